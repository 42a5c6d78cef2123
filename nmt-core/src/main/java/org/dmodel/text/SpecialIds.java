package org.dmodel.text;

/**
 * The ids of the four special pieces, defined once per vocabulary and stored in every model's config.
 *
 * <p>dmodel's SentencePiece models are trained with {@code --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3}
 * ({@link #DEFAULT}); other layouts are read from the model file.
 */
public record SpecialIds(int pad, int unk, int bos, int eos) {
    /** The layout {@code data-scripts/spm-train.sh} trains. */
    public static final SpecialIds DEFAULT = new SpecialIds(0, 1, 2, 3);

    public SpecialIds {
        if (pad < 0 || unk < 0 || bos < 0 || eos < 0) {
            throw new IllegalArgumentException("special ids must be non-negative: pad=" + pad + " unk=" + unk
                    + " bos=" + bos + " eos=" + eos);
        }
        if (pad == unk || pad == bos || pad == eos || unk == bos || unk == eos || bos == eos) {
            throw new IllegalArgumentException("special ids must be distinct: pad=" + pad + " unk=" + unk
                    + " bos=" + bos + " eos=" + eos);
        }
    }

    /** True for pad, bos and eos: the ids that never appear in detokenized text. */
    public boolean isControl(int id) {
        return id == pad || id == bos || id == eos;
    }

    /** A model's source sequence: the tokens followed by EOS (a new array). */
    public int[] withEos(int[] tokens) {
        int[] out = java.util.Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = eos;
        return out;
    }
}
