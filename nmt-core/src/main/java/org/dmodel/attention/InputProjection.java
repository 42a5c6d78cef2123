package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

/**
 * How an attention's input becomes its query part and its key/value part (for TPA: all A and B factors):
 * {@link Self} with one fused projection of the same sequence, in one matmul; {@link Cross} with one projection
 * of the target for queries and one of the encoder output for keys/values. The attention registers
 * {@link #blocks()} as its children under {@link #names()}. Thread-safe once initialized.
 */
sealed interface InputProjection {
    /** [query part, key/value part] of a whole sequence x (B, n, d); {@code memory} (B, S, d) for a cross one. */
    NDArray[] forward(ParameterStore ps, NDArray x, NDArray memory, boolean training);

    /** The query part of a decoding step's input; for a self-attention also the new positions' key/value part. */
    NDArray[] step(ParameterStore ps, NDArray x);

    /** True when keys come from another sequence (no RoPE, keys written once per sentence). */
    boolean cross();

    String[] names();

    Projection[] blocks();

    /** One projection to d_q + d_kv columns, split after the matmul. */
    record Self(Projection qkv, long queryWidth) implements InputProjection {
        @Override
        public NDArray[] forward(ParameterStore ps, NDArray x, NDArray memory, boolean training) {
            NDList parts = qkv.apply(ps, x, training).split(new long[] {queryWidth}, 2);
            return new NDArray[] {parts.get(0), parts.get(1)};
        }

        @Override
        public NDArray[] step(ParameterStore ps, NDArray x) {
            return forward(ps, x, null, false);
        }

        @Override
        public boolean cross() {
            return false;
        }

        @Override
        public String[] names() {
            return new String[] {"qkv"};
        }

        @Override
        public Projection[] blocks() {
            return new Projection[] {qkv};
        }
    }

    /** Queries from the target, keys/values from the encoder output. */
    record Cross(Projection query, Projection keyValue) implements InputProjection {
        @Override
        public NDArray[] forward(ParameterStore ps, NDArray x, NDArray memory, boolean training) {
            return new NDArray[] {query.apply(ps, x, training), keyValue.apply(ps, memory, training)};
        }

        @Override
        public NDArray[] step(ParameterStore ps, NDArray x) {
            return new NDArray[] {query.apply(ps, x, false), null};
        }

        /** The key/value part of the encoder output (B, S, d). */
        NDArray memory(ParameterStore ps, NDArray memory) {
            return keyValue.apply(ps, memory, false);
        }

        @Override
        public boolean cross() {
            return true;
        }

        @Override
        public String[] names() {
            return new String[] {"query", "keyValue"};
        }

        @Override
        public Projection[] blocks() {
            return new Projection[] {query, keyValue};
        }
    }
}
