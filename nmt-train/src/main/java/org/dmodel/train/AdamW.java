package org.dmodel.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmodel.engine.TorchArrays;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), whose whole state — first and second moments
 * and the update count — can be saved into and restored from a checkpoint (DJL's own Adam keeps it
 * private).
 *
 * <p>Each parameter belongs to a group with its own learning-rate multiplier and weight-decay switch
 * (biases, norms and embeddings are not decayed). Moments live in this optimizer's manager; the update
 * runs in place on the parameter arrays. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {
    private static final NDIndex ALL = new NDIndex("...");
    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private long updates;

    /** One parameter's state. */
    private static final class Slot {
        final Parameter parameter;
        final double lrScale;
        final boolean decay;
        NDArray mean;
        NDArray variance;

        Slot(Parameter parameter, double lrScale, boolean decay) {
            this.parameter = parameter;
            this.lrScale = lrScale;
            this.decay = decay;
        }
    }

    /**
     * Creates an optimizer for the given (name, parameter) pairs.
     *
     * @param lrScales per parameter name, a learning-rate multiplier (absent = 1)
     */
    public AdamW(NDManager parent, List<Pair<String, Parameter>> parameters, Map<String, Double> lrScales,
            double beta1, double beta2, double eps, double weightDecay) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Pair<String, Parameter> p : parameters) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            boolean decay = param.getType() == Parameter.Type.WEIGHT && param.getArray().getShape().dimension() >= 2
                    && !p.getKey().contains("embedding");
            Slot slot = new Slot(param, lrScales.getOrDefault(p.getKey(), 1.0), decay);
            NDArray value = param.getArray();
            slot.mean = manager.zeros(value.getShape(), value.getDataType(), value.getDevice());
            slot.variance = manager.zeros(value.getShape(), value.getDataType(), value.getDevice());
            slots.put(p.getKey(), slot);
        }
    }

    /** Updates applied so far. */
    public long updates() {
        return updates;
    }

    /**
     * Applies one update with learning rate {@code lr} to every parameter, reading each gradient
     * (already scaled, e.g. clipped) from {@code gradients} (same order as the parameters given at
     * construction).
     */
    public void step(List<NDArray> gradients, double lr) {
        if (gradients.size() != slots.size()) {
            throw new IllegalArgumentException("expected " + slots.size() + " gradients, got " + gradients.size());
        }
        updates++;
        double bias1 = 1 - Math.pow(beta1, updates);
        double bias2 = 1 - Math.pow(beta2, updates);
        int i = 0;
        for (Slot s : slots.values()) {
            NDArray g = gradients.get(i++);
            NDArray w = s.parameter.getArray();
            double rate = lr * s.lrScale;
            // m = β1·m + (1−β1)·g ; v = β2·v + (1−β2)·g². Temporaries and constants land in g's step manager
            // (constants as TorchArrays: a Number overload would leave a direct buffer per op until the next GC)
            s.mean.muli(TorchArrays.scalar(g, beta1)).addi(TorchArrays.mul(g, 1 - beta1));
            s.variance.muli(TorchArrays.scalar(g, beta2)).addi(TorchArrays.mul(g.square(), 1 - beta2));
            if (s.decay && weightDecay > 0) {
                w.muli(TorchArrays.scalar(g, 1 - rate * weightDecay));
            }
            // w −= rate · m̂ / (sqrt(v̂) + ε); the two temporaries belong to this optimizer's manager
            try (NDArray vHat = s.variance.div(TorchArrays.scalar(g, bias2));
                    NDArray denom = vHat.sqrt().addi(TorchArrays.scalar(g, eps));
                    NDArray update = s.mean.mul(TorchArrays.scalar(g, rate / bias1)).divi(denom)) {
                w.subi(update);
            }
        }
    }

    /**
     * One update from the gradients that backward passes accumulated: divides them by {@code divisor} (e.g. the
     * update's target tokens), clips them to global L2 norm {@code clipNorm} (0: no clipping), applies
     * {@link #step} with {@code lr} unless {@code skip} or the norm is not finite, and zeroes them for the next
     * update. Temporaries go to {@code stepManager}.
     *
     * @return the global gradient norm after division (not finite when the update was skipped for that reason)
     */
    public double stepFromGradients(NDManager stepManager, double divisor, double clipNorm, double lr, boolean skip) {
        List<NDArray> grads = new ArrayList<>(slots.size());
        NDArray squares = null;
        for (Slot s : slots.values()) {
            NDArray g = s.parameter.getArray().getGradient();
            g.attach(stepManager); // getGradient() makes a new handle each call (djl-notes pitfall 4)
            grads.add(g);
            NDArray sq = g.square().sum();
            squares = squares == null ? sq : squares.addi(sq);
        }
        double norm = Math.sqrt(squares.getFloat()) / divisor;
        if (!skip && Double.isFinite(norm)) {
            double clip = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1.0;
            for (NDArray g : grads) {
                g.muli(TorchArrays.scalar(g, clip / divisor));
            }
            step(grads, lr);
        }
        for (NDArray g : grads) {
            g.set(ALL, 0f); // DJL accumulates gradients across backward passes; set (not subtract) also clears NaN
        }
        return norm;
    }

    /** The trainable parameters in update order, by name. */
    public List<String> parameterNames() {
        return new ArrayList<>(slots.keySet());
    }

    /** The trainable parameters in update order. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        slots.values().forEach(s -> out.add(s.parameter));
        return out;
    }

    /**
     * Writes the moments and the update count to {@code out}, one array at a time (a byte[] of the whole state would
     * leave the Java heap that much larger for the rest of the run).
     */
    public void writeState(OutputStream out) throws IOException {
        NDList list = new NDList();
        NDArray count = manager.create(new long[] {updates});
        count.setName("updates");
        list.add(count);
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            NDArray m = e.getValue().mean;
            m.setName(e.getKey() + "#m");
            NDArray v = e.getValue().variance;
            v.setName(e.getKey() + "#v");
            list.add(m);
            list.add(v);
        }
        try {
            list.encode(out);
        } finally {
            count.close();
        }
    }

    /**
     * Restores state written by {@link #writeState}, read from {@code in} ({@code source} names it in errors).
     *
     * @throws IOException when the state does not match this model's parameters
     */
    public void readState(InputStream in, String source) throws IOException {
        try (NDManager tmp = manager.newSubManager()) {
            NDList list = NDList.decode(tmp, in);
            if (list.size() != 1 + 2 * slots.size()) {
                throw new IOException(source + ": optimizer state holds " + (list.size() - 1) / 2
                        + " parameters but the model has " + slots.size() + "; it belongs to another model.");
            }
            updates = list.get(0).getLong(0);
            int i = 1;
            for (Map.Entry<String, Slot> e : slots.entrySet()) {
                NDArray m = list.get(i++);
                NDArray v = list.get(i++);
                Slot s = e.getValue();
                if (!m.getShape().equals(s.mean.getShape()) || !(e.getKey() + "#m").equals(m.getName())) {
                    throw new IOException(source + ": optimizer state for " + e.getKey() + " does not match the model ("
                            + m.getName() + " " + m.getShape() + " vs " + s.mean.getShape() + ").");
                }
                s.mean.set(m.toDevice(s.mean.getDevice(), false).toFloatArray());
                s.variance.set(v.toDevice(s.variance.getDevice(), false).toFloatArray());
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
