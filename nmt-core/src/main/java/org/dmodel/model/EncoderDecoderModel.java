package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.dmodel.attention.Masks;
import org.dmodel.attention.RotaryEmbedding;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.TorchArrays;
import org.dmodel.search.DecoderState;

/**
 * The standard Transformer encoder-decoder (Vaswani et al. 2017), the baseline: {@code layers} encoder layers,
 * {@code layers} decoder layers with causal self-attention and cross-attention, layer i of both sides using
 * attention spec i. Positions count from 0 on each side; RoPE applies to self-attention only.
 *
 * <p>Decoding: {@link #encode} runs the encoder and stores each decoder layer's cross-attention keys/values
 * once per sentence; each {@link #step} appends to the self-attention caches. State caches: self-attention of
 * layers 0…L-1, then cross-attention of layers 0…L-1. Children: {@code embeddings}, {@code encoder00}…,
 * {@code decoder00}…, {@code encoderNorm} and {@code decoderNorm} (pre-norm only; none under ngpt/nugpt, whose
 * hidden states are unit vectors already).
 */
public final class EncoderDecoderModel extends Seq2SeqModel {
    private final List<TransformerLayer> encoder = new ArrayList<>();
    private final List<DecoderLayer> decoder = new ArrayList<>();
    private final LayerNormalization encoderNorm;
    private final LayerNormalization decoderNorm;

    /** A new, uninitialized model; use {@link Models#create}. */
    EncoderDecoderModel(ModelConfig config) {
        super(config);
        if (config.architecture() != ModelConfig.Architecture.ENCDEC) {
            throw new IllegalArgumentException("EncoderDecoderModel needs architecture encdec");
        }
        for (int i = 0; i < config.layers(); i++) {
            encoder.add(addChildBlock(String.format("encoder%02d", i), new TransformerLayer(config, config.attention().get(i))));
        }
        for (int i = 0; i < config.layers(); i++) {
            decoder.add(addChildBlock(String.format("decoder%02d", i), new DecoderLayer(config, config.attention().get(i))));
        }
        boolean pre = config.norm() == ModelConfig.Norm.PRE && !config.parameterization().normalized();
        encoderNorm = pre ? addChildBlock("encoderNorm", new LayerNormalization(config.dModel())) : null;
        decoderNorm = pre ? addChildBlock("decoderNorm", new LayerNormalization(config.dModel())) : null;
    }

    /** Encoder output (B, S, d) for source ids (B, S) and their padding mask. */
    private NDArray encoder(ParameterStore ps, NDArray source, NDArray mask, boolean training, Probe probe) {
        NDManager m = source.getManager();
        int s = (int) source.getShape().get(1);
        checkPositions(s);
        NDArray positions = range(m, 0, s); // (1, S)
        NDArray x = embeddings.embed(ps, source, positions, null, true, training); // (B, S, d)
        RotaryEmbedding.Angles angles = rope() == null ? null : rope().angles(positions);
        for (TransformerLayer layer : encoder) {
            NDArray in = x;
            Probe.Layer record = probe == null ? null : probe.addLayer(Probe.Stack.ENCODER);
            x = TorchArrays.retainOnly(() -> layer.forward(ps, in, mask, rope(), angles, null, training, record));
        }
        return encoderNorm == null ? x : encoderNorm.apply(ps, x, training);
    }

    @Override
    protected NDArray teacherForced(ParameterStore ps, NDArray source, NDArray targetIn, boolean training, Probe probe) {
        NDManager m = source.getManager();
        int t = (int) targetIn.getShape().get(1);
        checkPositions(t);
        NDArray sourceMask = paddingMask(source); // (B, 1, 1, S)
        NDArray memory = encoder(ps, source, sourceMask, training, probe); // (B, S, d)
        NDArray positions = range(m, 0, t); // (1, T)
        NDArray causal = Masks.causal(m, t); // (1, 1, T, T)
        NDArray y = embeddings.embed(ps, targetIn, positions, null, false, training); // (B, T, d)
        RotaryEmbedding.Angles angles = rope() == null ? null : rope().angles(positions);
        for (DecoderLayer layer : decoder) {
            NDArray in = y;
            Probe.Layer record = probe == null ? null : probe.addLayer(Probe.Stack.DECODER);
            y = TorchArrays.retainOnly(() -> layer.forward(ps, in, memory, causal, sourceMask, rope(), angles, training,
                    record));
        }
        return targetLogits(ps, y, decoderNorm, probe, training); // (B, T, V)
    }

    @Override
    protected LayerCaches encodeSources(int[][] sources, int beamSize, NDManager manager) {
        int[] lengths = lengths(sources);
        int s = max(lengths);
        LayerCaches state = newState(manager, beamSize, lengths);
        try (NDManager m = state.manager().newSubManager()) {
            ParameterStore ps = state.parameters();
            NDArray mask = Masks.keyPadding(state.manager(), lengths, s); // (B, 1, 1, S), kept in the state
            state.setSourceMask(mask);
            NDArray memory = encoder(ps, padded(m, sources, s), mask, false, null); // (B, S, d)
            for (DecoderLayer layer : decoder) {
                state.add(layer.selfAttention().newCache(state.manager()));
            }
            for (DecoderLayer layer : decoder) {
                layer.crossAttention().encodeMemory(ps, memory, state.add(layer.crossAttention().newCache(state.manager())));
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
        int t = state.length();
        checkPositions(t + 1);
        NDArray positions = stepManager.create(new int[] {t}, new Shape(1, 1)); // (1, 1)
        NDArray y = embeddings.embed(ps, stepTokens(state, lastTokens, stepManager), positions, null, false, false); // (N, 1, d)
        RotaryEmbedding.Angles angles = rope() == null ? null : rope().angles(positions);
        int l0 = decoder.size();
        for (int l = 0; l < decoder.size(); l++) {
            y = decoder.get(l).step(ps, y, state.cache(l), state.cache(l0 + l), state.sourceMask(), rope(), angles,
                    state.beamSize());
        }
        if (decoderNorm != null) {
            y = decoderNorm.apply(ps, y, false);
        }
        state.advance();
        return logProbabilities(ps, state, y);
    }
}
