package org.dmodel.metric.tokenize;

import java.util.List;

/** Looks up a BLEU tokenizer by its sacreBLEU name. Stateless and thread-safe. */
public final class Tokenizers {
    /** The tokenizers dmodel implements, in the order {@code --help} lists them. */
    public static final List<String> NAMES = List.of("13a", "intl", "zh", "char", "none");

    /** sacreBLEU's tokenizers that need external models or libraries, which dmodel does not ship. */
    public static final List<String> NOT_IMPLEMENTED =
            List.of("ja-mecab", "ko-mecab", "spm", "flores101", "flores200", "spBLEU-1K");

    /** The default, as in sacreBLEU when the target language is not given. */
    public static final String DEFAULT = "13a";

    private Tokenizers() {
    }

    /**
     * The tokenizer called {@code name} in sacreBLEU.
     *
     * @throws IllegalArgumentException for a name sacreBLEU has but dmodel does not implement, or an
     *     unknown name; the message says which names work
     */
    public static SegmentTokenizer forName(String name) {
        switch (name) {
            case "13a":
                return new Tokenizer13a();
            case "intl":
                return new TokenizerIntl();
            case "zh":
                return new TokenizerZh();
            case "char":
                return new TokenizerChar();
            case "none":
                return new TokenizerNone();
            default:
                if (NOT_IMPLEMENTED.contains(name)) {
                    throw new IllegalArgumentException("tokenizer " + name + " is not implemented in dmodel (it needs "
                            + (name.endsWith("mecab") ? "MeCab" : "a SentencePiece model") + "). Use one of "
                            + String.join(", ", NAMES) + ", or score with sacreBLEU itself.");
                }
                throw new IllegalArgumentException("unknown tokenizer " + name + ". Use one of " + String.join(", ", NAMES) + ".");
        }
    }
}
