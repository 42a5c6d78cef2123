package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Guards djl-notes.md pitfall 11 by reading the bytecode of everything that runs between opening a gradient
 * collector and calling backward: collating the batch, the teacher-forced logits of both architectures (every
 * attention type, parameterization and probe hook included) and the loss, down through DJL's own Java code to the
 * native calls. On that path
 * <ul>
 *   <li>dmodel code never calls a DJL method with a {@code Number} parameter (use {@link org.dmodel.engine.Scalars});</li>
 *   <li>dmodel code closes no array, list or manager: whatever an op read stays open until backward has run;</li>
 *   <li>no DJL method both makes an array from Java data and closes one. That is the shape of DJL's {@code Number}
 *       overloads, so they are caught also when a DJL helper calls one inside (as {@code Activation.swish} does).
 *       DJL closing the handle of a native result (a slice view, say) is harmless: libtorch owns that memory and
 *       autograd holds its own reference.</li>
 * </ul>
 * The walk resolves virtual calls to every override, counts lambdas as called, and does not enter decoding caches
 * (training passes none). {@link GarbageCollectionIndependenceTest} shows the same property by running training.
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

    private static boolean followed(String internalName) {
        return internalName.startsWith("org/dmodel/") || internalName.startsWith("ai/djl/");
    }

    @Test
    void noNumberOperandsAndNothingClosedBeforeBackward() {
        CallGraph graph = new CallGraph(TrainingPathTest::followed,
                List.of("org/dmodel/", "ai/djl/pytorch/engine/"));
        List<CallGraph.Call> calls = graph.reachableCalls(ROOTS, m -> !NOT_ON_THE_PATH.contains(m.owner()) && !m.name().equals("close"));
        Set<CallGraph.Method> makeJavaData = new HashSet<>();
        for (CallGraph.Call c : calls) {
            if (c.target().name().startsWith("create") && isManager(graph, c.target().owner())) {
                makeJavaData.add(c.caller());
            }
        }
        Set<String> offences = new TreeSet<>();
        Set<String> reachedOwners = new TreeSet<>();
        for (CallGraph.Call c : calls) {
            reachedOwners.add(c.caller().owner());
            CallGraph.Method t = c.target();
            String where = c.caller() + " line " + c.line();
            if (c.caller().owner().startsWith("org/dmodel/") && t.owner().startsWith("ai/djl/")
                    && t.desc().substring(0, t.desc().indexOf(')')).contains("Ljava/lang/Number;")) {
                offences.add(where + ": calls " + t + " (a Number operand; use org.dmodel.engine.Scalars), reached by "
                        + graph.pathTo(c.caller()));
            }
            boolean ours = c.caller().owner().startsWith("org/dmodel/");
            if (t.name().equals("close") && t.desc().equals("()V") && closesArrays(graph, t.owner())
                    && (ours || makeJavaData.contains(c.caller()))) {
                offences.add(where + ": calls " + t + " (an operand closed before backward), reached by "
                        + graph.pathTo(c.caller()));
            }
        }
        // the walk must have gone where the arrays are made: both architectures, every attention, DJL's engine
        for (String owner : List.of("org/dmodel/model/LayerwiseCoordinatedModel", "org/dmodel/model/EncoderDecoderModel",
                "org/dmodel/attention/GroupedQueryAttention", "org/dmodel/attention/TensorProductAttention",
                "org/dmodel/model/FeedForward", "org/dmodel/attention/Attend", "ai/djl/pytorch/engine/PtNDArray",
                "ai/djl/pytorch/jni/JniUtils")) {
            assertTrue(reachedOwners.contains(owner), "the walk did not reach " + owner);
        }
        assertEquals(List.of(), new ArrayList<>(offences), "on the training path (djl-notes.md pitfall 11)");
    }

    private static boolean closesArrays(CallGraph graph, String owner) {
        return graph.isSubtype(owner, "ai/djl/ndarray/NDResource") || isManager(graph, owner);
    }

    private static boolean isManager(CallGraph graph, String owner) {
        return graph.isSubtype(owner, "ai/djl/ndarray/NDManager");
    }
}
