package org.dmodel.translate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.dmodel.io.TestHooks;
import org.dmodel.search.SearchOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges concurrent calls into shared decoding batches: what a service needs when each of its clients sends one
 * sentence at a time, so that a {@link Translator} alone would decode at batch 1.
 *
 * <p>Calls wait in one bounded queue (counted in sentences). A dispatcher, one per {@link TranslatorOptions#workers()
 * worker} of the translator, takes the oldest call and, once that call has waited {@link Options#maxWait()} or enough
 * work is queued, every later call with the same search settings that still fits {@link Options#maxBatchSentences()}
 * and {@link Options#maxBatchTokens()} (source tokens, as {@link Translator#sourceTokens} counts them), and decodes
 * them as one {@link Translator#translateNBest(List, SearchOptions, int, java.util.function.IntConsumer)} call. A call
 * larger than the limits is taken alone and decoded in several batches by the translator. With
 * {@link Options#mergeCalls()} off each call is decoded on its own (the translator's per-call mode, behind the same
 * queue).
 *
 * <p>What a caller gets: exactly one result per input of its own call, in its order, never another call's. Each
 * translation is the one the translator gives for that sentence decoded in some batch: equal to the per-call result
 * except where float sums differ with the batch's composition (padding itself changes nothing: the search's padding
 * invariance is tested in nmt-core), which can reorder hypotheses whose scores tie within about 1e-4. Sampling is
 * not deterministic under merging (the random stream is shared by the batch).
 *
 * <p>Thread-safe. The translator stays the caller's: {@link #close()} does not close it.
 *
 * <pre>{@code
 * try (Translator t = Translator.load(dir);
 *         BatchingTranslator b = new BatchingTranslator(t, BatchingTranslator.Options.defaults(), null)) {
 *     String de = b.submit(List.of("How are you?"), t.options().search(), 1).join().translations().get(0).get(0).text();
 * }
 * }</pre>
 */
public final class BatchingTranslator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingTranslator.class);

    /**
     * Batching limits. Immutable.
     *
     * @param maxBatchSentences most sentences merged into one decode (default 64)
     * @param maxBatchTokens most source tokens merged into one decode (default 4096)
     * @param maxWait how long the oldest call waits for others to share its batch when the decoder is idle (default
     *     5 ms); a call that waited longer while the decoder was busy goes at once
     * @param maxQueuedSentences most sentences waiting; {@link #submit} refuses a call that would exceed it (default
     *     1024)
     * @param mergeCalls false: every call is decoded alone (default true)
     */
    public record Options(int maxBatchSentences, int maxBatchTokens, Duration maxWait, int maxQueuedSentences,
            boolean mergeCalls) {
        public Options {
            if (maxBatchSentences < 1 || maxBatchTokens < 1 || maxQueuedSentences < 1) {
                throw new IllegalArgumentException("maxBatchSentences, maxBatchTokens and maxQueuedSentences must be"
                        + " >= 1, got " + maxBatchSentences + ", " + maxBatchTokens + ", " + maxQueuedSentences);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
            }
        }

        /** The defaults listed above. */
        public static Options defaults() {
            return new Options(64, 4096, Duration.ofMillis(5), 1024, true);
        }
    }

    /**
     * What one call gets back.
     *
     * @param translations the n best translations of each input, best first, in input order
     * @param queuedNanos from {@link #submit} to the start of the decode that served the call
     * @param decodeNanos the duration of that decode (shared with the other calls in it)
     * @param batchSentences sentences in that decode, this call's included
     */
    public record Result(List<List<Translation>> translations, long queuedNanos, long decodeNanos,
            int batchSentences) {}

    /** Sees every decode, before its callers get their results; called on the dispatcher thread, so it must be quick. */
    public interface Listener {
        /**
         * A decode finished (or failed).
         *
         * @param calls calls merged into it
         * @param sentences their inputs
         * @param sourceTokens source tokens of those inputs
         * @param outputTokens tokens of the best translations
         * @param nanos decode time
         */
        void decoded(int calls, int sentences, int sourceTokens, int outputTokens, long nanos);
    }

    /** Calls that may share a batch: the same search settings and n-best size. */
    private record Key(SearchOptions search, int nbest) {}

    private static final class Call {
        final List<String> texts;
        final Key key;
        final int tokens;
        final long submitted = System.nanoTime();
        final CompletableFuture<Result> result = new CompletableFuture<>();

        Call(List<String> texts, Key key, int tokens) {
            this.texts = texts;
            this.key = key;
            this.tokens = tokens;
        }
    }

    private final Translator translator;
    private final Options options;
    private final Listener listener;
    private final Object lock = new Object();
    private final ArrayDeque<Call> queue = new ArrayDeque<>(); // guarded by lock
    private int queuedSentences; // guarded by lock
    private boolean closed; // guarded by lock
    private final List<Thread> dispatchers = new ArrayList<>();

    /**
     * Starts the dispatchers.
     *
     * @param listener sees each decode (for metrics); may be null
     */
    public BatchingTranslator(Translator translator, Options options, Listener listener) {
        this.translator = translator;
        this.options = options;
        this.listener = listener;
        for (int i = 0; i < translator.options().workers(); i++) {
            Thread t = new Thread(this::dispatch, "dmodel-batcher-" + i);
            t.setDaemon(true);
            t.start();
            dispatchers.add(t);
        }
    }

    /** The options this batcher runs with. */
    public Options options() {
        return options;
    }

    /**
     * Queues one call: the {@code nbest} best translations of each text under {@code search}. Cancelling (or
     * completing) the returned future before its decode starts takes the call out of the queue.
     *
     * @throws RejectedExecutionException when the queue has no room for {@code texts} or the batcher is closed
     * @throws IllegalArgumentException when {@code nbest < 1} or {@code search} is inconsistent
     */
    public CompletableFuture<Result> submit(List<String> texts, SearchOptions search, int nbest) {
        if (nbest < 1) {
            throw new IllegalArgumentException("nbest must be at least 1, got " + nbest);
        }
        search.checkConsistent();
        int tokens = 0;
        for (String t : texts) {
            tokens += translator.sourceTokens(t);
        }
        Call call = new Call(List.copyOf(texts), new Key(search, nbest), tokens);
        synchronized (lock) {
            if (closed) {
                throw new RejectedExecutionException("the translator is shutting down");
            }
            if (queuedSentences + texts.size() > options.maxQueuedSentences()) {
                throw new RejectedExecutionException("the queue is full (" + queuedSentences + " sentences waiting,"
                        + " limit " + options.maxQueuedSentences() + ")");
            }
            queue.addLast(call);
            queuedSentences += texts.size();
            lock.notifyAll();
        }
        call.result.whenComplete((r, e) -> {
            if (e != null) {
                unqueue(call); // cancelled or timed out by the caller: free its place
            }
        });
        return call.result;
    }

    /** Sentences waiting for a decode. */
    public int queuedSentences() {
        synchronized (lock) {
            return queuedSentences;
        }
    }

    private void unqueue(Call call) {
        synchronized (lock) {
            if (queue.remove(call)) {
                queuedSentences -= call.texts.size();
            }
        }
    }

    private void dispatch() {
        while (true) {
            List<Call> batch;
            try {
                batch = take();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            decode(batch);
        }
    }

    /** The next calls to decode together, oldest first; null once closed and empty. */
    private List<Call> take() throws InterruptedException {
        synchronized (lock) {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                lock.wait();
            }
            if (options.mergeCalls()) {
                // wait for company only while the oldest call is younger than maxWait and the batch is not full
                long deadline = queue.peekFirst().submitted + options.maxWait().toNanos();
                long left;
                while (!closed && !queue.isEmpty() && !full(queue.peekFirst().key)
                        && (left = deadline - System.nanoTime()) > 0) {
                    lock.wait((left + 999_999) / 1_000_000);
                    if (!queue.isEmpty()) {
                        deadline = queue.peekFirst().submitted + options.maxWait().toNanos();
                    }
                }
                if (queue.isEmpty()) {
                    return List.of(); // every waiting call was cancelled
                }
            }
            List<Call> batch = new ArrayList<>();
            Call first = queue.pollFirst();
            batch.add(first);
            int sentences = first.texts.size();
            int tokens = first.tokens;
            if (options.mergeCalls()) {
                for (Iterator<Call> it = queue.iterator(); it.hasNext(); ) {
                    Call c = it.next();
                    if (!c.key.equals(first.key)) {
                        continue;
                    }
                    if (sentences + c.texts.size() > options.maxBatchSentences()
                            || tokens + c.tokens > options.maxBatchTokens()) {
                        break; // keep arrival order among equal keys: a later small call does not overtake
                    }
                    it.remove();
                    batch.add(c);
                    sentences += c.texts.size();
                    tokens += c.tokens;
                }
            }
            for (Call c : batch) {
                queuedSentences -= c.texts.size();
            }
            return batch;
        }
    }

    /** True when the calls queued with {@code key} fill a batch. */
    private boolean full(Key key) {
        int sentences = 0;
        int tokens = 0;
        for (Call c : queue) {
            if (c.key.equals(key)) {
                sentences += c.texts.size();
                tokens += c.tokens;
                if (sentences >= options.maxBatchSentences() || tokens >= options.maxBatchTokens()) {
                    return true;
                }
            }
        }
        return false;
    }

    private void decode(List<Call> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<String> texts = new ArrayList<>();
        int sourceTokens = 0;
        for (Call c : batch) {
            texts.addAll(c.texts);
            sourceTokens += c.tokens;
        }
        Key key = batch.get(0).key;
        long start = System.nanoTime();
        TestHooks.reached("translate.batch", null); // calls taken from the queue, not yet decoded
        List<List<Translation>> out;
        try {
            out = translator.translateNBest(texts, key.search(), key.nbest(), i -> { });
        } catch (RuntimeException | Error e) {
            LOG.warn("a batch of {} sentences failed: {}", texts.size(), e.toString());
            notifyListener(batch.size(), texts.size(), sourceTokens, 0, System.nanoTime() - start);
            for (Call c : batch) {
                c.result.completeExceptionally(e);
            }
            return;
        }
        long nanos = System.nanoTime() - start;
        int outputTokens = 0;
        for (List<Translation> n : out) {
            outputTokens += n.isEmpty() ? 0 : n.get(0).tokens().length;
        }
        // the listener first: a caller that reads metrics after its answer finds its decode counted
        notifyListener(batch.size(), texts.size(), sourceTokens, outputTokens, nanos);
        int from = 0;
        for (Call c : batch) {
            List<List<Translation>> mine = List.copyOf(out.subList(from, from + c.texts.size()));
            from += c.texts.size();
            c.result.complete(new Result(mine, start - c.submitted, nanos, texts.size()));
        }
    }

    private void notifyListener(int calls, int sentences, int sourceTokens, int outputTokens, long nanos) {
        if (listener != null) {
            listener.decoded(calls, sentences, sourceTokens, outputTokens, nanos);
        }
    }

    /**
     * Refuses new calls, decodes every call already queued, and returns when the dispatchers have finished (at most
     * {@code wait}).
     *
     * @return true when every queued call was decoded within {@code wait}
     */
    public boolean close(Duration wait) {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        boolean done = true;
        for (Thread t : dispatchers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done &= !t.isAlive();
        }
        return done;
    }

    /** {@link #close(Duration)} with {@link Translator#CLOSE_WAIT}. */
    @Override
    public void close() {
        close(Translator.CLOSE_WAIT);
    }
}
