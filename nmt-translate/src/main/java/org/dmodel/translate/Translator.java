package org.dmodel.translate;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.dmodel.engine.Engines;
import org.dmodel.engine.Int8Weights;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.io.TestHooks;
import org.dmodel.lexicon.Lexicon;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.search.Hypothesis;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.SearchStrategies;
import org.dmodel.search.SearchStrategy;
import org.dmodel.search.Shortlist;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Tokenizer;

/**
 * Translates text with a trained model: the entry point for Java services and the engine behind
 * {@code bin/nmt-translate}.
 *
 * <p>Create one per model and process, share it between threads, close it at shutdown:
 * <pre>{@code
 * try (Translator t = Translator.load(Path.of("runs/quickstart/model"))) {
 *     String de = t.translate("How are you?");
 * }
 * }</pre>
 *
 * <p>Thread-safe. A call's inputs are sorted by length and cut into batches made only from that call's inputs, so a
 * result never depends on what other threads asked for ({@link BatchingTranslator} merges concurrent calls into shared
 * batches instead). The batches queue, in call order, for a fixed number of workers ({@link TranslatorOptions#workers()}),
 * each decoding one batch at a time on its own intra-op threads: with several workers a long call's batches are
 * decoded side by side. Inputs come back in their order; an empty input gives an empty output. Decoding
 * records no autograd graph: the parameters are loaded without gradients and every search runs with grad mode off.
 *
 * <p>{@link #close()} refuses new calls at once ({@link IllegalStateException}), waits up to
 * {@link #CLOSE_WAIT} for the calls in flight, and frees the model when the last of them has returned: never under a
 * running decode. Calls still running when the wait ends stop at their next batch with an
 * {@link IllegalStateException}.
 */
public final class Translator implements AutoCloseable {
    private final LoadedModel loaded;
    private final Seq2SeqModel model;
    private final Tokenizer source;
    private final Tokenizer target;
    private final SpecialIds targetIds;
    private final TranslatorOptions options;
    private final Int8Weights int8; // the model's int8 copies with --precision int8, else null
    private final ExecutorService workers;
    private final Object calls = new Object();
    private int inFlight; // guarded by calls
    private boolean closed; // guarded by calls: new calls are refused
    private boolean freed; // guarded by calls
    private volatile boolean abandoned; // close stopped waiting: calls in flight stop at their next batch

    /** How long {@link #close()} waits for the calls in flight. */
    public static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private Translator(LoadedModel loaded, TranslatorOptions options) {
        this.loaded = loaded;
        this.model = (Seq2SeqModel) loaded.model().getBlock();
        this.source = loaded.vocabularies().source();
        this.target = loaded.vocabularies().target();
        this.targetIds = target.specialIds();
        this.options = options;
        SearchStrategies.forOptions(options.search()); // bad options fail at load, not at the first call
        this.int8 = options.precision() == TranslatorOptions.Precision.INT8 ? new Int8Weights() : null;
        model.decodeInInt8(int8);
        this.workers = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "dmodel-translator");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads a model directory with the default options (beam 5, CPU). */
    public static Translator load(Path modelDir) throws IOException {
        return load(modelDir, TranslatorOptions.defaults());
    }

    /**
     * Loads a model directory (verifying its checksums).
     *
     * @throws IOException when the directory is missing, incomplete or altered (the message names the file)
     */
    public static Translator load(Path modelDir, TranslatorOptions options) throws IOException {
        Device device = Engines.device(options.device());
        if (options.precision() == TranslatorOptions.Precision.INT8 && !Device.Type.CPU.equals(device.getDeviceType())) {
            throw new IllegalArgumentException("--precision int8 runs on the CPU only (libtorch's quantized kernels);"
                    + " with --device " + options.device() + " use --precision float32.");
        }
        if (options.threads() > 0 || options.workers() > 1) {
            // read by each worker thread when it first decodes (libtorch keeps the thread count per thread)
            Engines.setThreads(options.intraOpThreads());
        }
        LoadedModel loaded = ModelDirectory.load(modelDir, device);
        try {
            return new Translator(loaded, withShortlist(options, loaded));
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /** {@code options} with the shortlist its lexicon file gives, read against the model's vocabularies. */
    private static TranslatorOptions withShortlist(TranslatorOptions options, LoadedModel loaded) throws IOException {
        TranslatorOptions.ShortlistFile file = options.shortlist();
        if (file == null) {
            return options;
        }
        Tokenizer target = loaded.vocabularies().target();
        Lexicon lexicon = Lexicon.read(file.lexicon(), loaded.vocabularies().source(), target);
        Shortlist shortlist = new Shortlist(lexicon, file.first(), file.best(), target.specialIds(), target.vocabSize(),
                loaded.vocabularies().joint());
        return options.toBuilder().search(options.search().withShortlist(shortlist)).build();
    }

    /** The options this translator was loaded with. */
    public TranslatorOptions options() {
        return options;
    }

    /** Translates one sentence (best hypothesis). */
    public String translate(String text) {
        return translate(List.of(text)).get(0);
    }

    /** Translates sentences, returning one output per input in input order. */
    public List<String> translate(List<String> texts) {
        List<List<Translation>> nbest = translateNBest(texts, 1, i -> { });
        List<String> out = new ArrayList<>(nbest.size());
        for (List<Translation> n : nbest) {
            out.add(n.isEmpty() ? "" : n.get(0).text());
        }
        return out;
    }

    /** The {@code n} best translations of one sentence, best first (an {@code n} above the beam widens it). */
    public List<Translation> translateNBest(String text, int n) {
        return translateNBest(List.of(text), n, i -> { }).get(0);
    }

    /**
     * The {@code n} best translations of each sentence, best first, in input order. An {@code n} above the options'
     * beam widens the beam to {@code n} (the n-best list comes from the beam).
     *
     * @param truncated called with the index of each input cut to {@link TranslatorOptions#maxSourceTokens()}
     */
    public List<List<Translation>> translateNBest(List<String> texts, int n, IntConsumer truncated) {
        return translateNBest(texts, options.search(), n, truncated);
    }

    /**
     * As {@link #translateNBest(List, int, IntConsumer)}, decoding with {@code search} instead of the options' search
     * settings (its special ids are replaced by the model's): how a server applies a request's beam and length
     * penalty without loading the model twice.
     */
    public List<List<Translation>> translateNBest(List<String> texts, SearchOptions search, int n,
            IntConsumer truncated) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        enter();
        Call call;
        try {
            call = new Call(texts, search, n, truncated);
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        }
        call.submit();
        return call.await();
    }

    private void enter() {
        synchronized (calls) {
            if (closed) {
                throw new IllegalStateException("this Translator is closed; load a new one to translate");
            }
            inFlight++;
        }
    }

    private void exit() {
        boolean free;
        synchronized (calls) {
            inFlight--;
            calls.notifyAll();
            free = closed && inFlight == 0 && !freed;
            freed |= free;
        }
        if (free) {
            release();
        }
    }

    /**
     * The source tokens {@code text} is decoded with: its pieces, cut to {@link TranslatorOptions#maxSourceTokens()},
     * plus EOS; 0 for a text without pieces (it is not decoded). What batch limits in tokens count.
     */
    public int sourceTokens(String text) {
        int pieces = source.encode(text).length;
        return pieces == 0 ? 0 : Math.min(pieces, options.maxSourceTokens() - 1) + 1;
    }

    /**
     * One call: its inputs tokenized and planned into batches in the caller's thread, each batch decoded by a worker.
     * The call counts as in flight until its last batch has returned, even if the caller stops waiting.
     */
    private final class Call {
        private final SearchOptions search;
        private final SearchStrategy strategy;
        private final int n;
        private final int[][] ids;
        private final List<int[]> batches;
        private final List<List<Translation>> out;
        private final List<Future<?>> decoded = new ArrayList<>();
        private final AtomicInteger left;
        private volatile boolean dropped; // the caller stopped waiting or a batch failed: skip what has not started

        Call(List<String> texts, SearchOptions requested, int n, IntConsumer truncated) {
            SearchOptions so = requested.withSpecialIds(targetIds).withNbest(Math.max(n, requested.nbest()));
            this.search = so.beam() < so.nbest() ? so.withBeam(so.nbest()) : so;
            this.strategy = SearchStrategies.forOptions(search);
            this.n = n;
            this.ids = new int[texts.size()][];
            List<Integer> work = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                int[] tokens = source.encode(texts.get(i));
                if (tokens.length == 0) {
                    continue; // an empty line translates to an empty line
                }
                if (tokens.length >= options.maxSourceTokens()) {
                    tokens = Arrays.copyOf(tokens, options.maxSourceTokens() - 1);
                    truncated.accept(i);
                }
                ids[i] = source.specialIds().withEos(tokens);
                work.add(i);
            }
            this.batches = LengthBatches.plan(work, ids, options.maxBatchSentences(), options.maxBatchTokens());
            this.out = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                out.add(ids[i] == null ? List.of(new Translation("", new int[0], 0.0)) : null);
            }
            this.left = new AtomicInteger(batches.size());
        }

        void submit() {
            if (batches.isEmpty()) {
                exit();
                return;
            }
            for (int[] batch : batches) {
                decoded.add(workers.submit(() -> {
                    try {
                        if (!dropped) {
                            decode(batch);
                        }
                    } catch (RuntimeException | Error e) {
                        dropped = true;
                        throw e;
                    } finally {
                        if (left.decrementAndGet() == 0) {
                            exit();
                        }
                    }
                }));
            }
        }

        private void decode(int[] batch) {
            if (abandoned) {
                throw new IllegalStateException("the Translator was closed while this call was running (close waited "
                        + CLOSE_WAIT.toSeconds() + " s for it)");
            }
            TestHooks.reached("translate.decode", null); // a worker took the batch, not yet decoded
            int[][] sources = new int[batch.length][];
            for (int j = 0; j < batch.length; j++) {
                sources[j] = ids[batch[j]];
            }
            List<List<Hypothesis>> hyps;
            try (NDManager manager = loaded.model().getNDManager().newSubManager()) {
                hyps = strategy.search(model, sources, search, manager);
            }
            for (int j = 0; j < batch.length; j++) {
                List<Translation> ts = new ArrayList<>();
                for (Hypothesis h : hyps.get(j)) {
                    if (ts.size() == n) {
                        break;
                    }
                    ts.add(new Translation(target.decode(h.tokens()), h.tokens(), h.score()));
                }
                out.set(batch[j], ts); // each batch its own indices; await's Future.get makes the writes visible
            }
        }

        /** Waits for every batch; rethrows the first failure in batch order. */
        List<List<Translation>> await() {
            try {
                for (Future<?> f : decoded) {
                    f.get();
                }
            } catch (InterruptedException e) {
                dropped = true; // batches already running finish in their workers; their results are dropped
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while translating", e);
            } catch (ExecutionException e) {
                dropped = true;
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
            return out;
        }
    }

    /** Refuses new calls, waits up to {@link #CLOSE_WAIT} for those in flight, and frees the model after the last. */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /**
     * As {@link #close()}, waiting at most {@code wait}.
     *
     * @return true when no call was in flight any more when it returned (the model is freed); false when calls were
     *     still running: they stop at their next batch and the last one frees the model
     */
    public boolean close(java.time.Duration wait) {
        boolean free;
        synchronized (calls) {
            closed = true;
            long deadline = System.nanoTime() + wait.toNanos();
            boolean interrupted = false;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    calls.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            free = inFlight == 0 && !freed;
            freed |= free;
            if (inFlight > 0) {
                abandoned = true;
            }
        }
        if (free) {
            release();
        }
        return !abandoned;
    }

    private void release() {
        workers.shutdown();
        try (Int8Weights copies = int8) {
            loaded.close();
        }
    }
}
