package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import org.dmodel.engine.TorchArrays;

/**
 * A learned per-feature scaling vector of the normalized Transformer (α, s_qk, s_u, s_ν, s_z; papers.md §3.1) with
 * nGPT's init/scale trick: the stored parameter θ starts at {@code scale} and the model uses
 * {@code θ · (init / scale)}, so the effective vector starts at {@code init} while Adam's step size acts on θ's
 * scale. The owning block registers {@link #parameter()} under its own name. Thread-safe once initialized.
 */
public final class ScaleVector {
    /**
     * The initial value s_init and the storage scale s_scale of a scaling vector (papers.md §3.1 table).
     *
     * @param init the effective value at initialization
     * @param scale the value θ is stored at initially
     */
    public record Init(double init, double scale) {
        public Init {
            if (!(init > 0) || !(scale > 0)) {
                throw new IllegalArgumentException("scaling vector init " + init + " and scale " + scale + " must be > 0");
            }
        }
    }

    private final Parameter theta;
    private final float factor;

    /** A vector of {@code size} features named {@code name} (the parameter's name in its block). */
    public ScaleVector(String name, int size, Init init) {
        theta = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(size))
                .optInitializer(new ConstantInitializer((float) init.scale())).build();
        factor = (float) (init.init() / init.scale());
    }

    /** The stored parameter θ, to be added to the owning block with {@code addParameter}. */
    public Parameter parameter() {
        return theta;
    }

    /**
     * The effective vector θ·(s_init/s_scale), shape (size), in the manager and on the device of {@code like}
     * (computed as {@code 0 + θ} in that manager so that no result lands in the parameters' manager, djl-notes
     * pitfall 3; gradients still flow to θ).
     */
    public NDArray value(ParameterStore ps, NDArray like, boolean training) {
        NDArray t = ps.getValue(theta, like.getDevice(), training);
        return TorchArrays.mul(like.getManager().zeros(t.getShape(), t.getDataType(), like.getDevice()).add(t), factor);
    }
}
