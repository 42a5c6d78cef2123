package org.dmodel.attention;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A DJL block that is a part of a translation model and is run through its own typed methods
 * ({@code apply}, {@code forward}, {@code step}) rather than {@link Block#forward}, whose {@link NDList}
 * inputs cannot say what each array means (style.md §11). Parameters have explicit shapes, so children are
 * initialized with whatever shapes the parent got. Not thread-safe during initialization; the typed methods
 * of subclasses are safe to call from several threads once the parameters are set.
 */
public abstract class ModelPart extends AbstractBlock {
    /** Creates a part with the given parameter-format version. */
    protected ModelPart(byte version) {
        super(version);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " is run through its typed methods, not Block.forward");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }
}
