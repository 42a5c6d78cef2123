package org.dmodel.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything it takes to rebuild a network, and nothing about data or optimisation: the value behind
 * {@code config.json} (style.md §4). Each field maps onto one block; {@code attention} has one spec per layer
 * (a single spec in JSON or on the command line is expanded to all layers).
 *
 * <p>For {@link Architecture#LWC}, {@code layers} is the depth of the one shared stack; for
 * {@link Architecture#ENCDEC} it is the depth of the encoder and of the decoder (L + L), and layer i's
 * attention spec applies to encoder layer i and to both attentions of decoder layer i.
 *
 * <p>{@link Parameterization#NGPT} and {@link Parameterization#NUGPT} (papers.md §3) need RoPE positions, SwiGLU and
 * untied embeddings (the builder makes these the defaults under them) and have no LayerNorm, so {@code norm} is
 * ignored there; {@code baseWidth} and {@code baseDepth} (0 = the model's own, ratio 1) are νGPT's base-model sizes.
 *
 * <p>Validated in the constructor with messages naming the key, the value and the rule. Immutable.
 */
public record ModelConfig(
        int format,
        Architecture architecture,
        int layers,
        int dModel,
        int heads,
        int headDim,
        int ffnDim,
        Norm norm,
        Activation activation,
        Positions positions,
        int maxPositions,
        boolean tiedEmbeddings,
        double dropout,
        double attentionDropout,
        boolean zeroInitOutput,
        Parameterization parameterization,
        int baseWidth,
        int baseDepth,
        OutputProjection outputProjection,
        VocabInfo vocab,
        VocabInfo sourceVocab,
        List<AttentionSpec> attention) {

    /** The {@code format} this build writes and reads. */
    public static final int FORMAT = 1;

    /** How source and target are combined. */
    public enum Architecture {
        /** Layer-wise coordinated: one shared, prefix-masked stack over [source; target] (papers.md §1). */
        LWC,
        /** The standard Transformer encoder-decoder (baseline). */
        ENCDEC
    }

    /** Where layer normalization sits relative to the residual connection. */
    public enum Norm { PRE, POST }

    /** The feed-forward non-linearity. SwiGLU uses a gated first projection of width 2·ffnDim. */
    public enum Activation { RELU, GELU, SWIGLU }

    /**
     * How positions enter the model. Sinusoidal and learned add a vector to the embedding; RoPE rotates
     * queries and keys (for TPA: the B factors) in every self-attention.
     */
    public enum Positions { SINUSOIDAL, LEARNED, ROPE }

    /**
     * Weight parameterization. {@code standard}: LayerNorm, biases, 1/√d_h attention scores. {@code ngpt}: the
     * normalized Transformer (papers.md §3.1): every hidden state and every weight vector along d on the unit
     * sphere, learned scaling vectors, no norms or biases. {@code nugpt}: nGPT with νGPT's transfer rules
     * (papers.md §3.2): initial values from {@code baseWidth}/{@code baseDepth}, per-group learning rates.
     */
    public enum Parameterization {
        STANDARD, NGPT, NUGPT;

        /** True for the normalized Transformer and its νGPT variant. */
        public boolean normalized() {
            return this != STANDARD;
        }
    }

    /**
     * Attention output projection: {@code STANDARD} is W_O over the concatenated heads; {@code PG_OP} (key
     * {@code pg-op}) first scales each head's output by a per-token gate 2·sigmoid(W_g x + b_g), zero-initialized
     * so that the layer starts as the standard projection (papers.md §4, a reconstruction: the paper's exact
     * equations were not available).
     */
    public enum OutputProjection { STANDARD, PG_OP }

    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(parameterization, "parameterization");
        Objects.requireNonNull(outputProjection, "outputProjection");
        Objects.requireNonNull(vocab, "vocab");
        Objects.requireNonNull(attention, "attention");
        if (format != FORMAT) {
            throw new IllegalArgumentException("format: " + format + " is not supported (this build reads format "
                    + FORMAT + "). Use the dmodel version that wrote the model.");
        }
        positive("layers", layers);
        positive("dModel", dModel);
        positive("heads", heads);
        positive("ffnDim", ffnDim);
        positive("maxPositions", maxPositions);
        if (headDim == 0) {
            if (dModel % heads != 0) {
                throw new IllegalArgumentException("heads: " + heads + " does not divide dModel=" + dModel
                        + "; choose another head count or set headDim");
            }
            headDim = dModel / heads;
        }
        positive("headDim", headDim);
        if (positions == Positions.ROPE && headDim % 2 != 0) {
            throw new IllegalArgumentException("headDim: " + headDim + " must be even for RoPE positions");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout: " + dropout + " must be in [0, 1)");
        }
        if (!(attentionDropout >= 0 && attentionDropout < 1)) {
            throw new IllegalArgumentException("attentionDropout: " + attentionDropout + " must be in [0, 1)");
        }
        if (baseWidth < 0 || baseDepth < 0) {
            throw new IllegalArgumentException((baseWidth < 0 ? "baseWidth: " + baseWidth : "baseDepth: " + baseDepth)
                    + " must be 0 (the model's own size) or positive");
        }
        if (parameterization != Parameterization.NUGPT && (baseWidth != 0 || baseDepth != 0)) {
            throw new IllegalArgumentException("baseWidth/baseDepth: " + baseWidth + "/" + baseDepth + " apply only to"
                    + " parameterization nugpt; remove them or use nugpt");
        }
        if (parameterization.normalized()) {
            String p = key(parameterization);
            if (positions != Positions.ROPE) {
                throw new IllegalArgumentException("positions: " + key(positions) + " is not supported with parameterization "
                        + p + " (unit-norm hidden states have no room for added position vectors); use rope");
            }
            if (activation != Activation.SWIGLU) {
                throw new IllegalArgumentException("activation: " + key(activation) + " is not supported with"
                        + " parameterization " + p + " (its FFN is SwiGLU with scaling vectors); use swiglu");
            }
            if (tiedEmbeddings) {
                throw new IllegalArgumentException("tiedEmbeddings: true is not supported with parameterization " + p
                        + " (the output embedding is a separate unit-norm table); set it false");
            }
            if (zeroInitOutput) {
                throw new IllegalArgumentException("zeroInitOutput: true is not supported with parameterization " + p
                        + " (zero columns cannot be normalized); set it false");
            }
        }
        if (architecture == Architecture.LWC && sourceVocab != null) {
            throw new IllegalArgumentException("sourceVocab: lwc runs one stack over [source; target] and needs a"
                    + " joint vocabulary; remove sourceVocab or use architecture encdec");
        }
        if (tiedEmbeddings && sourceVocab != null) {
            throw new IllegalArgumentException("tiedEmbeddings: true needs a joint vocabulary, but sourceVocab is set;"
                    + " train a joint SentencePiece model or set tiedEmbeddings false");
        }
        if (attention.size() == 1 && layers > 1) {
            attention = java.util.Collections.nCopies(layers, attention.get(0));
        }
        if (attention.size() != layers) {
            throw new IllegalArgumentException("attention: " + attention.size() + " specs for layers=" + layers
                    + "; give one spec for all layers or exactly one per layer");
        }
        attention = List.copyOf(attention);
        for (int i = 0; i < attention.size(); i++) {
            if (attention.get(i) instanceof AttentionSpec.Gqa g && (g.kvHeads() > heads || heads % g.kvHeads() != 0)) {
                throw new IllegalArgumentException("attention[" + i + "]: gqa kvHeads=" + g.kvHeads()
                        + " does not divide heads=" + heads);
            }
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + ": " + value + " must be at least 1");
        }
    }

    /** νGPT's width ratio m_width = dModel / baseWidth (1 when baseWidth is 0). */
    public double widthMultiplier() {
        return baseWidth == 0 ? 1.0 : (double) dModel / baseWidth;
    }

    /** νGPT's depth ratio m_depth = layers / baseDepth (1 when baseDepth is 0). */
    public double depthMultiplier() {
        return baseDepth == 0 ? 1.0 : (double) layers / baseDepth;
    }

    /** The vocabulary of source tokens: {@code sourceVocab} when set, else the joint {@code vocab}. */
    public VocabInfo sourceVocabulary() {
        return sourceVocab != null ? sourceVocab : vocab;
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder with the built-in defaults (see {@link Builder}). */
    public static Builder builder() {
        return new Builder();
    }

    /** Lower-case name of an enum constant with '-' for '_', as written in JSON and on the command line. */
    public static String key(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses an enum constant from its lower-case name.
     *
     * @throws IllegalArgumentException naming {@code what}, the value and the accepted names
     */
    public static <E extends Enum<E>> E parseEnum(Class<E> type, String what, String value) {
        for (E e : type.getEnumConstants()) {
            if (key(e).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        Arrays.stream(type.getEnumConstants()).forEach(e -> names.add(key(e)));
        throw new IllegalArgumentException(what + ": '" + value + "' is not one of " + String.join(", ", names));
    }

    /**
     * Assembles a {@link ModelConfig}; starts from the built-in defaults: encdec, the {@code base} sizes
     * (6 layers, d 512, 8 heads, FFN 2048), pre-norm, ReLU, tied embeddings, dropout 0.1, attention
     * dropout 0, MHA, maxPositions 1024, vocabulary of the bundled SentencePiece model (8000, pad 0 unk 1
     * bos 2 eos 3). Positions default to sinusoidal for encdec and RoPE for lwc unless set explicitly
     * (RoPE keeps one continuous position counter over [source; target], papers.md §1). Under ngpt/nugpt the
     * defaults of positions, activation and tied embeddings become rope, swiglu and untied. Not thread-safe.
     */
    public static final class Builder {
        private Architecture architecture = Architecture.ENCDEC;
        private int layers = 6;
        private int dModel = 512;
        private int heads = 8;
        private int headDim = 0;
        private int ffnDim = 2048;
        private Norm norm = Norm.PRE;
        private Activation activation = null;
        private Positions positions = null;
        private int maxPositions = 1024;
        private Boolean tiedEmbeddings = null;
        private double dropout = 0.1;
        private double attentionDropout = 0.0;
        private boolean zeroInitOutput = false;
        private Parameterization parameterization = Parameterization.STANDARD;
        private int baseWidth = 0;
        private int baseDepth = 0;
        private OutputProjection outputProjection = OutputProjection.STANDARD;
        private VocabInfo vocab = new VocabInfo(8000, org.dmodel.text.SpecialIds.DEFAULT);
        private VocabInfo sourceVocab = null;
        private List<AttentionSpec> attention = List.of(AttentionSpec.MHA);

        private Builder() {}

        private Builder(ModelConfig c) {
            architecture = c.architecture;
            layers = c.layers;
            dModel = c.dModel;
            heads = c.heads;
            headDim = c.headDim == c.dModel / c.heads && c.dModel % c.heads == 0 ? 0 : c.headDim;
            ffnDim = c.ffnDim;
            norm = c.norm;
            activation = c.activation;
            positions = c.positions;
            maxPositions = c.maxPositions;
            tiedEmbeddings = c.tiedEmbeddings;
            dropout = c.dropout;
            attentionDropout = c.attentionDropout;
            zeroInitOutput = c.zeroInitOutput;
            parameterization = c.parameterization;
            baseWidth = c.baseWidth;
            baseDepth = c.baseDepth;
            outputProjection = c.outputProjection;
            vocab = c.vocab;
            sourceVocab = c.sourceVocab;
            attention = uniform(c.attention) ? List.of(c.attention.get(0)) : c.attention;
        }

        private static boolean uniform(List<AttentionSpec> specs) {
            return specs.stream().distinct().count() == 1;
        }

        public Builder architecture(Architecture v) { architecture = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder dModel(int v) { dModel = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        /** Head dimension; 0 (the default) means dModel / heads. */
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder ffnDim(int v) { ffnDim = v; return this; }
        public Builder norm(Norm v) { norm = v; return this; }
        /** Activation; null means the default (relu, or swiglu under ngpt/nugpt). */
        public Builder activation(Activation v) { activation = v; return this; }
        /** Positions; null means the default (sinusoidal for encdec, RoPE for lwc and under ngpt/nugpt). */
        public Builder positions(Positions v) { positions = v; return this; }
        public Builder maxPositions(int v) { maxPositions = v; return this; }
        public Builder tiedEmbeddings(boolean v) { tiedEmbeddings = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder attentionDropout(double v) { attentionDropout = v; return this; }
        /** Zero-initialize attention and FFN output projections (T6 code, papers.md §2.1). */
        public Builder zeroInitOutput(boolean v) { zeroInitOutput = v; return this; }
        public Builder parameterization(Parameterization v) { parameterization = v; return this; }
        /** νGPT base width (0: the model's dModel). */
        public Builder baseWidth(int v) { baseWidth = v; return this; }
        /** νGPT base depth (0: the model's layers). */
        public Builder baseDepth(int v) { baseDepth = v; return this; }
        public Builder outputProjection(OutputProjection v) { outputProjection = v; return this; }
        public Builder vocab(VocabInfo v) { vocab = v; return this; }
        /** A separate source vocabulary, or null for a joint one. */
        public Builder sourceVocab(VocabInfo v) { sourceVocab = v; return this; }
        /** One spec for every layer, or one per layer. */
        public Builder attention(List<AttentionSpec> v) { attention = List.copyOf(v); return this; }
        public Builder attention(AttentionSpec v) { attention = List.of(v); return this; }

        /** Validates and builds. */
        public ModelConfig build() {
            boolean normalized = parameterization.normalized();
            Positions p = positions != null ? positions
                    : architecture == Architecture.LWC || normalized ? Positions.ROPE : Positions.SINUSOIDAL;
            Activation a = activation != null ? activation : normalized ? Activation.SWIGLU : Activation.RELU;
            boolean tied = tiedEmbeddings != null ? tiedEmbeddings : !normalized;
            return new ModelConfig(FORMAT, architecture, layers, dModel, heads, headDim, ffnDim, norm, a, p,
                    maxPositions, tied, dropout, attentionDropout, zeroInitOutput, parameterization, baseWidth,
                    baseDepth, outputProjection, vocab, sourceVocab, attention);
        }
    }
}
