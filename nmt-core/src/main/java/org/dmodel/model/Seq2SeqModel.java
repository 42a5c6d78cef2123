package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dmodel.attention.RotaryEmbedding;
import org.dmodel.attention.UnitNormWeights;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.Engines;
import org.dmodel.engine.Int8Weights;
import org.dmodel.engine.TorchArrays;
import org.dmodel.search.DecoderState;
import org.dmodel.search.StepModel;
import org.dmodel.search.VocabularySubset;

/**
 * A translation model: a DJL block for training ({@link #logits}) and a {@link StepModel} for decoding
 * ({@link #encode}, {@link #step}), sharing parameters and layer code. Built from a {@link ModelConfig} by
 * {@link Models#create}; two architectures: {@link LayerwiseCoordinatedModel} and {@link EncoderDecoderModel}.
 *
 * <p>{@link Block#forward} takes {@code NDList[source, targetIn]} and returns {@code NDList[logits]}.
 * Constant tables (RoPE, sinusoids) are built once in a child manager of the one given to
 * {@link #initialize}; the parameter manager holds nothing else. Decoding is thread-safe (each
 * {@link DecoderState} owns its arrays and parameter store); training is not.
 */
public abstract class Seq2SeqModel extends AbstractBlock implements StepModel {
    protected final ModelConfig config;
    protected final Embeddings embeddings;
    private NDManager constants;
    private RotaryEmbedding rope;
    private volatile Int8Weights int8; // null: decode in float32

    protected Seq2SeqModel(ModelConfig config) {
        super((byte) 1);
        this.config = config;
        this.embeddings = addChildBlock("embeddings", new Embeddings(config));
    }

    /** The configuration this model was built from. */
    public ModelConfig config() {
        return config;
    }

    /**
     * Teacher-forced logits for training and scoring.
     *
     * @param source (B, S) int32 source ids, each row tokens + [eos], padded with the pad id
     * @param targetIn (B, T) int32 target input, [bos] + tokens, padded
     * @param training true to apply dropout
     * @return (B, T, V) float32 logits (not normalized), in the manager of {@code source}
     */
    public final NDArray logits(ParameterStore ps, NDArray source, NDArray targetIn, boolean training) {
        return teacherForced(ps, source, targetIn, training, null);
    }

    /**
     * Teacher-forced logits without dropout, as {@link #logits}, while recording every layer's states and attention
     * into {@code probe} (diagnostics, papers.md §4); the logits are those of the normal pass. Runs with autograd off.
     *
     * @return (B, T, V) float32 logits, in the manager of {@code source}
     */
    public final NDArray probe(ParameterStore ps, NDArray source, NDArray targetIn, Probe probe) {
        java.util.Objects.requireNonNull(probe, "probe");
        try (Engines.GradientsOff off = Engines.gradientsOff()) {
            return teacherForced(ps, source, targetIn, false, probe);
        }
    }

    /** The teacher-forced pass behind {@link #logits} and {@link #probe}; {@code probe} is null in normal use. */
    protected abstract NDArray teacherForced(ParameterStore ps, NDArray source, NDArray targetIn, boolean training,
                                             Probe probe);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("a translation model takes [source, targetIn], got " + inputs.size()
                    + " arrays");
        }
        return new NDList(logits(ps, inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape target = inputShapes.length > 1 ? inputShapes[1] : new Shape(1, 1);
        return new Shape[] {new Shape(target.get(0), target.get(1), config.vocab().size())};
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        if (constants == null) {
            constants = manager.newSubManager();
            if (config.positions() == ModelConfig.Positions.ROPE) {
                rope = new RotaryEmbedding(constants, config.headDim(), config.maxPositions());
            }
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    /**
     * Rescales every unit-norm weight vector of a normalized (ngpt/nugpt) model back to norm 1, in place
     * (papers.md §3.1): once after initialization ({@link Models#newModel}) and after every optimizer step. A no-op
     * for a standard model. Not thread-safe: call it while no decoding or training pass runs.
     */
    public void renormalize() {
        if (config.parameterization().normalized()) {
            renormalize(this);
        }
    }

    private static void renormalize(Block block) {
        if (block instanceof UnitNormWeights u) {
            u.renormalize();
        }
        for (Block child : block.getChildren().values()) {
            renormalize(child);
        }
    }

    /**
     * The learning-rate group of every parameter, by the name {@link #getParameters()} gives it, in that order:
     * embedding tables by role, other matrices as hidden, vectors as scaling vectors (papers.md §3.2).
     */
    public Map<String, ParameterGroup> parameterGroups() {
        Map<Parameter, ParameterGroup> byParameter = new IdentityHashMap<>();
        for (Parameter p : embeddings.getDirectParameters().values()) {
            byParameter.put(p, p.getArray().getShape().dimension() < 2 ? ParameterGroup.SCALING_VECTORS
                    : embeddings.isOutputTable(p) ? ParameterGroup.OUTPUT_EMBEDDINGS : ParameterGroup.INPUT_EMBEDDINGS);
        }
        Map<String, ParameterGroup> groups = new LinkedHashMap<>();
        getParameters().forEach(pair -> groups.put(pair.getKey(), byParameter.getOrDefault(pair.getValue(),
                pair.getValue().getArray().getShape().dimension() < 2 ? ParameterGroup.SCALING_VECTORS
                        : ParameterGroup.HIDDEN_MATRICES)));
        return groups;
    }

    /** The RoPE tables, or null when positions are not RoPE. */
    protected RotaryEmbedding rope() {
        return rope;
    }

    /**
     * Makes {@link #encode} and {@link #step} multiply by the int8 copies in {@code weights} (CPU only), or by the
     * float32 weights again when null. Set it before decoding starts, not while states are in use; the caller owns
     * {@code weights} and closes it after the last decode. Teacher-forced {@link #logits} stay float32.
     */
    public void decodeInInt8(Int8Weights weights) {
        int8 = weights;
    }

    /** A new decoding state over {@code manager} for sentences of these lengths, in the decoding precision. */
    protected LayerCaches newState(NDManager manager, int beamSize, int[] lengths) {
        return new LayerCaches(manager, beamSize, lengths, int8);
    }

    @Override
    public int vocabSize() {
        return config.vocab().size();
    }

    /** Decoding L tokens and the EOS after them feeds target positions first … first + L. */
    @Override
    public int maxOutputLength(int sourceLength) {
        return Math.max(0, config.maxPositions() - 1 - firstTargetPosition(sourceLength));
    }

    /** The position of a target's BOS after a source of {@code sourceLength} tokens; 0 unless overridden. */
    protected int firstTargetPosition(int sourceLength) {
        return 0;
    }

    /** Fails with a clear message when a sequence needs positions beyond the model's table. */
    protected void checkPositions(int longest) {
        if (longest > config.maxPositions()) {
            throw new IllegalArgumentException("a sequence needs " + longest + " positions but the model has maxPositions="
                    + config.maxPositions() + "; shorten the input or train a model with a larger maxPositions");
        }
    }

    /** Additive key-padding mask (B, 1, 1, S) from ids, without leaving the device: pad → BLOCKED. */
    protected NDArray paddingMask(NDArray ids) {
        long b = ids.getShape().get(0);
        long s = ids.getShape().get(1);
        NDArray padded = TorchArrays.eq(ids, config.sourceVocabulary().specialIds().pad()).toType(DataType.FLOAT32, false);
        return TorchArrays.mul(padded, org.dmodel.attention.Masks.BLOCKED).reshape(b, 1, 1, s); // (B, 1, 1, S)
    }

    /** Pads sentences into a (B, S) int32 array in {@code manager}. */
    protected NDArray padded(NDManager manager, int[][] sentences, int width) {
        int pad = config.sourceVocabulary().specialIds().pad();
        int[] flat = new int[sentences.length * width];
        java.util.Arrays.fill(flat, pad);
        for (int b = 0; b < sentences.length; b++) {
            System.arraycopy(sentences[b], 0, flat, b * width, sentences[b].length);
        }
        return TorchArrays.of(manager, flat, new Shape(sentences.length, width));
    }

    /** 0, 1, …, n-1 as a (1, n) int32 array, plus {@code offset}. */
    protected static NDArray range(NDManager manager, int offset, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = offset + i;
        }
        return TorchArrays.of(manager, p, new Shape(1, n));
    }

    /** Checks the step's inputs against the state and returns the tokens as (N, 1) int32 in {@code manager}. */
    protected NDArray stepTokens(LayerCaches state, int[] lastTokens, NDManager manager) {
        int rows = state.liveSentences() * state.beamSize();
        if (lastTokens.length != rows) {
            throw new IllegalArgumentException("step: " + lastTokens.length + " tokens for " + rows + " rows");
        }
        return manager.create(lastTokens, new Shape(rows, 1));
    }

    /**
     * Teacher-forced logits (B, T, V) of the stack's target states (B, T, d): the final norm (null: none), then the
     * output projection; the probe, when given, records the normed states.
     */
    protected NDArray targetLogits(ParameterStore ps, NDArray states, LayerNormalization finalNorm, Probe probe,
                                   boolean training) {
        NDArray h = finalNorm == null ? states : finalNorm.apply(ps, states, training);
        if (probe != null) {
            probe.finalStates(h);
        }
        return embeddings.logits(ps, h, training); // (B, T, V)
    }

    @Override
    public final DecoderState encode(int[][] sources, int beamSize, NDManager manager) {
        return encode(sources, beamSize, VocabularySubset.all(vocabSize()), manager);
    }

    /** Encodes the sources and, for a shortlist, gathers its output rows and sentence masks into the state. */
    @Override
    public final DecoderState encode(int[][] sources, int beamSize, VocabularySubset vocabulary, NDManager manager) {
        if (vocabulary.vocabSize() != vocabSize()) {
            throw new IllegalArgumentException("the shortlist was built for a target vocabulary of "
                    + vocabulary.vocabSize() + " pieces, the model has " + vocabSize()
                    + ". Use a lexicon made for this model (nmt-lexicon with its --spm).");
        }
        LayerCaches state = encodeSources(sources, beamSize, manager);
        if (!vocabulary.isAll()) {
            try {
                NDArray ids = TorchArrays.of(state.manager(), vocabulary.tokens(), new Shape(vocabulary.size()));
                state.setOutput(embeddings.outputRows(state.parameters(), ids), vocabulary.sentenceMask(state.manager()));
            } catch (RuntimeException e) {
                state.close();
                throw e;
            }
        }
        return state;
    }

    /** Runs the sources through the encoder side and returns the state with every cache filled for decoding. */
    protected abstract LayerCaches encodeSources(int[][] sources, int beamSize, NDManager manager);

    /**
     * Log-probabilities (N, V) of hidden states (N, 1, d) after the final norm; with a shortlist (N, V') over its
     * columns, each sentence normalized over the tokens it allows.
     */
    protected NDArray logProbabilities(ParameterStore ps, LayerCaches state, NDArray hidden) {
        long n = hidden.getShape().get(0);
        Embeddings.OutputRows rows = state.outputRows();
        if (rows == null) {
            return embeddings.logits(ps, hidden, false).reshape(n, -1).logSoftmax(-1); // (N, V)
        }
        NDArray logits = embeddings.logits(hidden, rows); // (N, 1, V')
        NDArray mask = state.outputMask(); // (B, 1, V') or null
        if (mask != null) {
            logits = logits.reshape(state.liveSentences(), state.beamSize(), -1).add(mask); // (B, k, V')
        }
        return logits.reshape(n, -1).logSoftmax(-1); // (N, V')
    }

    static LayerCaches state(DecoderState state) {
        if (!(state instanceof LayerCaches caches)) {
            throw new IllegalArgumentException("this model steps only states it created with encode, got "
                    + state.getClass().getName());
        }
        return caches;
    }

    static int[] lengths(int[][] sources) {
        int[] lengths = new int[sources.length];
        for (int i = 0; i < sources.length; i++) {
            if (sources[i].length == 0) {
                throw new IllegalArgumentException("source " + i + " is empty; every source ends with EOS");
            }
            lengths[i] = sources[i].length;
        }
        return lengths;
    }

    static int max(int[] values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
