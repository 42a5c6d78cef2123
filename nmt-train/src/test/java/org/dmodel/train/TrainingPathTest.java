package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Guards djl-notes.md pitfall 11 by reading the bytecode of everything that runs between opening a gradient
 * collector and calling backward: collating the batch, the teacher-forced logits of both architectures (every
 * attention type, parameterization and probe hook included) and the loss, down through DJL's own Java code to the
 * native calls. Every array made there must be libtorch-owned, so that no garbage collection can free memory that
 * backward reads and closing any handle early (as {@code TorchArrays.retainOnly} does) is harmless:
 * <ul>
 *   <li>dmodel code calls no DJL method with a {@code Number} parameter (those wrap the number in a Java buffer and
 *       close it after the op; use {@link org.dmodel.engine.TorchArrays});</li>
 *   <li>arrays are made from Java data only in {@code TorchArrays}, which copies them into libtorch's memory;</li>
 *   <li>DJL code on the path makes no array from Java data either (as {@code Activation.swish} does, through a
 *       {@code Number} overload).</li>
 * </ul>
 * The walk resolves virtual calls to every override, counts lambdas as called, and does not enter decoding caches
 * (training passes none). {@code GarbageCollectionIndependenceTest} shows the same property by running training.
 */
class TrainingPathTest {
    private static final List<CallGraph.Method> ROOTS = List.of(
            new CallGraph.Method("org/dmodel/data/BitextBatch", "toNDArrays",
                    "(Lai/djl/ndarray/NDManager;)Lorg/dmodel/data/BitextBatch$Tensors;"),
            new CallGraph.Method("org/dmodel/model/Seq2SeqModel", "logits",
                    "(Lai/djl/training/ParameterStore;Lai/djl/ndarray/NDArray;Lai/djl/ndarray/NDArray;Z)"
                            + "Lai/djl/ndarray/NDArray;"),
            new CallGraph.Method("org/dmodel/model/Seq2SeqModel", "probe",
                    "(Lai/djl/training/ParameterStore;Lai/djl/ndarray/NDArray;Lai/djl/ndarray/NDArray;"
                            + "Lorg/dmodel/model/Probe;)Lai/djl/ndarray/NDArray;"),
            new CallGraph.Method("org/dmodel/train/LabelSmoothedLoss", "compute",
                    "(Lai/djl/ndarray/NDArray;Lai/djl/ndarray/NDArray;)Lorg/dmodel/train/LabelSmoothedLoss$Sums;"));
    /** Decoding-only code that the training pass can name but never runs (it passes no cache). */
    private static final Set<String> NOT_ON_THE_PATH = Set.of("org/dmodel/attention/AttentionCache");
    /** DJL's types whose one implementation here is the PyTorch engine's. */
    private static final Map<String, String> PYTORCH = Map.of(
            "ai/djl/ndarray/NDArray", "ai/djl/pytorch/engine/PtNDArray",
            "ai/djl/ndarray/NDArrayAdapter", "ai/djl/pytorch/engine/PtNDArray",
            "ai/djl/ndarray/NDManager", "ai/djl/pytorch/engine/PtNDManager",
            "ai/djl/ndarray/BaseNDManager", "ai/djl/pytorch/engine/PtNDManager",
            "ai/djl/ndarray/internal/NDArrayEx", "ai/djl/pytorch/engine/PtNDArrayEx",
            "ai/djl/ndarray/index/NDArrayIndexer", "ai/djl/pytorch/engine/PtNDArrayIndexer");
    /**
     * DJL methods whose only Java-data branch converts an array of another engine (or indexes a scalar of another
     * manager with an empty index): every dmodel array is a PyTorch array, and dmodel never indexes with rank 0.
     */
    private static final Set<String> FOREIGN_ARRAY_BRANCHES = Set.of(
            "ai/djl/pytorch/engine/PtNDManager.from(Lai/djl/ndarray/NDArray;)Lai/djl/pytorch/engine/PtNDArray;",
            "ai/djl/pytorch/engine/PtNDArrayIndexer.get(Lai/djl/ndarray/NDArray;Lai/djl/ndarray/index/NDIndex;)"
                    + "Lai/djl/ndarray/NDArray;");
    /** The one place that turns Java data into arrays (and copies it into libtorch's memory). */
    private static final String TORCH_ARRAYS = "org/dmodel/engine/TorchArrays";

    private static boolean followed(String internalName) {
        return internalName.startsWith("org/dmodel/") || internalName.startsWith("ai/djl/");
    }

    @Test
    void everyArrayOnTheTrainingPathIsLibtorchOwned() {
        CallGraph graph = new CallGraph(TrainingPathTest::followed, List.of("org/dmodel/"), PYTORCH);
        List<CallGraph.Call> calls = graph.reachableCalls(ROOTS,
                m -> !NOT_ON_THE_PATH.contains(m.owner()) && !m.owner().equals(TORCH_ARRAYS) && !m.name().equals("close"));
        Set<String> offences = new TreeSet<>();
        Set<String> reachedOwners = new TreeSet<>();
        for (CallGraph.Call c : calls) {
            reachedOwners.add(c.caller().owner());
            CallGraph.Method t = c.target();
            String where = c.caller() + " line " + c.line();
            if (c.caller().owner().startsWith("org/dmodel/") && t.owner().startsWith("ai/djl/")
                    && t.desc().substring(0, t.desc().indexOf(')')).contains("Ljava/lang/Number;")) {
                offences.add(where + ": calls " + t + " (a Number operand; use TorchArrays), reached by "
                        + graph.pathTo(c.caller()));
            }
            if (makesFromJavaData(graph, t) && !FOREIGN_ARRAY_BRANCHES.contains(
                    c.caller().owner() + "." + c.caller().name() + c.caller().desc())) {
                offences.add(where + ": calls " + t + " (an array over Java memory; use TorchArrays), reached by "
                        + graph.pathTo(c.caller()));
            }
        }
        // the walk must have gone where the arrays are made: both architectures, every attention, DJL's engine
        for (String owner : List.of("org/dmodel/model/LayerwiseCoordinatedModel", "org/dmodel/model/EncoderDecoderModel",
                "org/dmodel/attention/GroupedQueryHeads", "org/dmodel/attention/TensorProductHeads",
                "org/dmodel/model/FeedForward", "org/dmodel/attention/Attend", "org/dmodel/attention/Masks",
                "ai/djl/pytorch/engine/PtNDArray", "ai/djl/pytorch/jni/JniUtils")) {
            assertTrue(reachedOwners.contains(owner), "the walk did not reach " + owner);
        }
        assertEquals(List.of(), new ArrayList<>(offences), "on the training path (djl-notes.md pitfall 11)");
    }

    /** {@code NDManager.create…} with data (anything but a shape first: those allocate in libtorch). */
    private static boolean makesFromJavaData(CallGraph graph, CallGraph.Method t) {
        return t.name().startsWith("create") && graph.isSubtype(t.owner(), "ai/djl/ndarray/NDManager")
                && !t.desc().startsWith("(Lai/djl/ndarray/types/Shape;");
    }
}
