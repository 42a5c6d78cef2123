package org.dmodel.engine;

import ai.djl.nn.Parameter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The int8 copies of one model's weights for decoding ({@link Int8Linear}), each packed the first time a step
 * needs it and kept until {@link #close}. The float32 parameters stay as they are (training, scoring and
 * diagnostics use them). Thread-safe; close it only once no decoding uses it.
 */
public final class Int8Weights implements AutoCloseable {
    private final Map<Parameter, Int8Linear.PackedWeight> packed = new ConcurrentHashMap<>();

    /** The packed copy of {@code weight} (out, in), made on first use. */
    public Int8Linear.PackedWeight of(Parameter weight) {
        return packed.computeIfAbsent(weight, w -> Int8Linear.pack(w.getArray()));
    }

    @Override
    public void close() {
        packed.values().forEach(Int8Linear.PackedWeight::close);
        packed.clear();
    }
}
