package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.dmodel.attention.AttentionCache;
import org.dmodel.attention.Masks;
import org.dmodel.attention.RotaryEmbedding;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.TorchArrays;
import org.dmodel.search.DecoderState;

/**
 * The layer-wise coordinated model (He et al. 2018) in its prefix-LM form (papers.md §1): one stack of
 * {@link TransformerLayer}s over [source ; target] with the prefix mask, each layer's parameters used for both
 * sides, learned source/target segment vectors, and a loss on target positions only. Decoder layer l thus
 * attends, in one softmax, over the keys/values of layer l's input on the source side and the causal target
 * prefix ("mixed attention"); whether the paper reads S_{l-1} (this form) or S_l is unverified [?].
 *
 * <p>Positions: with RoPE one continuous counter (the target starts at the sentence's real source length, so
 * relative offsets across the boundary are meaningful); with sinusoidal or learned positions separate counters
 * (source 0..S-1, target 0..T-1) [I]. Decoding: {@link #encode} runs the source through the stack once and keeps
 * each layer's source keys/values once per sentence; each {@link #step} appends one target position per
 * hypothesis. Children: {@code embeddings}, {@code layer00}…, {@code finalNorm} (pre-norm only; none under
 * ngpt/nugpt).
 */
public final class LayerwiseCoordinatedModel extends Seq2SeqModel {
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNormalization finalNorm;
    private final boolean continuousPositions;

    /** A new, uninitialized model; use {@link Models#create}. */
    LayerwiseCoordinatedModel(ModelConfig config) {
        super(config);
        if (config.architecture() != ModelConfig.Architecture.LWC) {
            throw new IllegalArgumentException("LayerwiseCoordinatedModel needs architecture lwc");
        }
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock(String.format("layer%02d", i), new TransformerLayer(config, config.attention().get(i))));
        }
        boolean pre = config.norm() == ModelConfig.Norm.PRE && !config.parameterization().normalized();
        finalNorm = pre ? addChildBlock("finalNorm", new LayerNormalization(config.dModel())) : null;
        continuousPositions = config.positions() == ModelConfig.Positions.ROPE;
    }

    @Override
    protected NDArray teacherForced(ParameterStore ps, NDArray source, NDArray targetIn, boolean training, Probe probe) {
        NDManager m = source.getManager();
        int b = (int) source.getShape().get(0);
        int s = (int) source.getShape().get(1);
        int t = (int) targetIn.getShape().get(1);
        checkPositions(s + t);
        NDArray ids = source.concat(targetIn, 1); // (B, S+T)
        NDArray positions;
        if (continuousPositions) {
            NDArray sourceLength = TorchArrays.neq(source, config.vocab().specialIds().pad()).sum(new int[] {1}, true)
                    .toType(ai.djl.ndarray.types.DataType.INT32, false); // (B, 1)
            positions = range(m, 0, s).broadcast(b, s).concat(sourceLength.add(range(m, 0, t)), 1); // (B, S+T)
        } else {
            positions = range(m, 0, s).concat(range(m, 0, t), 1); // (1, S+T)
        }
        int[] side = new int[s + t];
        java.util.Arrays.fill(side, s, s + t, Embeddings.TARGET);
        NDArray sides = TorchArrays.of(m, side, new Shape(1, s + t));
        NDArray mask = Masks.prefix(m, new int[] {s}, s, t)
                .add(paddingMask(source).concat(m.zeros(new Shape(b, 1, 1, t)), 3)); // (B, 1, S+T, S+T)
        NDArray x = embeddings.embed(ps, ids, positions, sides, false, training); // (B, S+T, d)
        RotaryEmbedding.Angles angles = rope() == null ? null : rope().angles(positions);
        for (TransformerLayer layer : layers) {
            NDArray in = x;
            Probe.Layer record = probe == null ? null : probe.addLayer(Probe.Stack.JOINT);
            x = TorchArrays.retainOnly(() -> layer.forward(ps, in, mask, rope(), angles, null, training, record));
        }
        NDArray target = x.get(new NDIndex().addAllDim().addSliceDim(s, s + t)); // (B, T, d)
        return targetLogits(ps, target, finalNorm, probe, training); // (B, T, V)
    }

    /** With RoPE the target's positions continue the source's. */
    @Override
    protected int firstTargetPosition(int sourceLength) {
        return continuousPositions ? sourceLength : 0;
    }

    @Override
    protected LayerCaches encodeSources(int[][] sources, int beamSize, NDManager manager) {
        int[] lengths = lengths(sources);
        int s = max(lengths);
        checkPositions(s);
        LayerCaches state = newState(manager, beamSize, lengths);
        try (NDManager m = state.manager().newSubManager()) {
            ParameterStore ps = state.parameters();
            NDArray mask = Masks.keyPadding(state.manager(), lengths, s); // (B, 1, 1, S), kept in the state
            state.setSourceMask(mask);
            NDArray positions = range(m, 0, s); // (1, S)
            NDArray x = embeddings.embed(ps, padded(m, sources, s), positions, m.zeros(new Shape(1, s),
                    ai.djl.ndarray.types.DataType.INT32), false, false); // (B, S, d)
            RotaryEmbedding.Angles angles = rope() == null ? null : rope().angles(positions);
            for (TransformerLayer layer : layers) {
                AttentionCache cache = state.add(layer.attention().newCache(state.manager()));
                x = layer.forward(ps, x, mask, rope(), angles, cache, false, null);
            }
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
        return state;
    }

    @Override
    public NDArray step(DecoderState decoderState, int[] lastTokens, NDManager stepManager) {
        LayerCaches state = state(decoderState);
        ParameterStore ps = state.parameters();
        int k = state.beamSize();
        int[] lengths = state.sourceLengths();
        int t = state.length();
        int[] position = new int[lengths.length * k];
        for (int r = 0; r < position.length; r++) {
            position[r] = firstTargetPosition(lengths[r / k]) + t;
        }
        checkPositions(max(position) + 1);
        NDArray positions = stepManager.create(position, new Shape(position.length, 1)); // (N, 1)
        NDArray sides = stepManager.create(new int[] {Embeddings.TARGET}, new Shape(1, 1));
        NDArray x = embeddings.embed(ps, stepTokens(state, lastTokens, stepManager), positions, sides, false, false); // (N, 1, d)
        RotaryEmbedding.Angles angles = rope() == null ? null : rope().angles(positions);
        for (int l = 0; l < layers.size(); l++) {
            x = layers.get(l).step(ps, x, state.cache(l), state.sourceMask(), rope(), angles, k);
        }
        if (finalNorm != null) {
            x = finalNorm.apply(ps, x, false);
        }
        state.advance();
        return logProbabilities(ps, state, x);
    }
}
