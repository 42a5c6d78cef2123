package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmodel.attention.AttentionProbe;
import org.dmodel.attention.Masks;
import org.dmodel.engine.TorchArrays;

/**
 * A recording of one teacher-forced pass ({@link Seq2SeqModel#probe}) for the collapse diagnostics of papers.md §4:
 * per stack and layer the hidden states entering and leaving each sublayer, per attention module the per-head
 * probabilities, per-head outputs o_h (before W_O), key visibility and W_O, and the final states the logits are
 * computed from. Everything is copied into Java arrays as it is produced, so the recording holds no NDArrays and
 * outlives the pass's manager. Rows keep the batch's padded layout: {@link Stack#JOINT} rows are [0, S) source and
 * [S, S+T) target for a (B, S) source and (B, T) target input; {@link Stack#ENCODER} rows are source positions,
 * {@link Stack#DECODER} rows target positions. Not thread-safe: one probe per pass.
 */
public final class Probe {
    /** The layer stacks a model records. */
    public enum Stack {
        /** LWC's one stack over [source ; target]. */
        JOINT,
        /** The encoder of {@code encdec} (source positions). */
        ENCODER,
        /** The decoder of {@code encdec} (target positions). */
        DECODER
    }

    /** A float32 array copied out of an NDArray: row-major {@code data} of the given {@code shape}. */
    public record Tensor(float[] data, long[] shape) {
        static Tensor of(NDArray a) {
            return new Tensor(a.toType(DataType.FLOAT32, false).toFloatArray(), a.getShape().getShape());
        }
    }

    /**
     * One attention module's recording.
     *
     * @param probabilities (B, h, n, t), exactly 0 on hidden keys
     * @param headOutputs o_h (B, h, n, d_h) before the output projection (see {@link AttentionProbe})
     * @param visible (B, n, t): 1 where query i may see key j under the module's mask, else 0
     * @param outputWeight W_O (d, h·d_h)
     */
    public record Heads(Tensor probabilities, Tensor headOutputs, Tensor visible, Tensor outputWeight) {}

    /** One layer's recording: states by point ({@code input}, then one per sublayer, in order) and attentions by module. */
    public static final class Layer {
        private final Map<String, Tensor> states = new LinkedHashMap<>();
        private final Map<String, Heads> attentions = new LinkedHashMap<>();

        private Layer() {}

        /** Hidden states (B, n, d) by point: {@code input}, then the state after each sublayer in the layer's order. */
        public Map<String, Tensor> states() {
            return Collections.unmodifiableMap(states);
        }

        /** Attention recordings by module name ({@code attention}, or {@code selfAttention} and {@code crossAttention}). */
        public Map<String, Heads> attentions() {
            return Collections.unmodifiableMap(attentions);
        }

        void state(String point, NDArray x) {
            states.put(point, Tensor.of(x));
        }

        private void attention(String module, NDArray probabilities, NDArray headOutputs, NDArray mask, NDArray outputWeight) {
            Shape p = probabilities.getShape(); // (B, h, n, t)
            Shape visibleShape = new Shape(p.get(0), p.get(2), p.get(3));
            NDArray visible = mask == null ? probabilities.getManager().ones(visibleShape)
                    : TorchArrays.gt(mask.broadcast(p.get(0), 1, p.get(2), p.get(3)), Masks.BLOCKED / 2)
                            .toType(DataType.FLOAT32, false).reshape(visibleShape); // (B, n, t)
            attentions.put(module, new Heads(Tensor.of(probabilities), Tensor.of(headOutputs), Tensor.of(visible),
                    Tensor.of(outputWeight)));
        }
    }

    private final Map<Stack, List<Layer>> stacks = new EnumMap<>(Stack.class);
    private Tensor finalStates;

    /** An empty probe for one {@link Seq2SeqModel#probe} call. */
    public Probe() {}

    /** The stacks recorded, in model order (LWC: JOINT; encdec: ENCODER, DECODER). */
    public List<Stack> stacks() {
        return List.copyOf(stacks.keySet());
    }

    /** The layers of a stack, bottom first; empty if the model has no such stack. */
    public List<Layer> layers(Stack stack) {
        return Collections.unmodifiableList(stacks.getOrDefault(stack, List.of()));
    }

    /** The target states (B, T, d) after the final norm, from which the logits are computed. */
    public Tensor finalStates() {
        return finalStates;
    }

    /** Starts the recording of the next layer of {@code stack}. */
    Layer addLayer(Stack stack) {
        Layer layer = new Layer();
        stacks.computeIfAbsent(stack, s -> new ArrayList<>()).add(layer);
        return layer;
    }

    void finalStates(NDArray x) {
        finalStates = Tensor.of(x);
    }

    /** The probe a layer hands to its attention module {@code module}, or null when the layer is not probed. */
    static AttentionProbe attention(Layer layer, String module) {
        return layer == null ? null : (p, o, mask, w) -> layer.attention(module, p, o, mask, w);
    }
}
