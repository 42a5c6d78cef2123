package org.dmodel.serve;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;

/**
 * {@code bin/nmt-serve-load}: a closed-loop load test of a running {@code nmt-serve} on this machine. For each
 * client count, that many clients each send one sentence per {@code POST /v1/translate} and the next as soon as the
 * answer arrives, for a fixed time after a warm-up; prints one Markdown row per count: requests/s, p50 and p99
 * latency, errors (any status but 200, or no answer), and the server's RSS at the start, end and peak of the
 * measured time. Bounded: loopback addresses only, at most 1024 clients and one hour per count.
 */
public final class LoadTest extends CommandLineTool {
    private static final int MAX_CLIENTS = 1024;

    public static void main(String[] args) {
        new LoadTest().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-serve-load";
    }

    @Override
    protected String synopsis() {
        return "-i SENTENCES [--url http://127.0.0.1:8080] [--clients 1,8,32,128] [--seconds 60] [--pid SERVER_PID]";
    }

    @Override
    protected void declare(OptionTable t) {
        t.value("input", "i", "FILE", null, "sentences to send, one per line, taken in turn");
        t.value("url", null, "URL", "http://127.0.0.1:8080", "the server (loopback addresses only)");
        t.value("clients", null, "LIST", "1,8,32,128", "concurrent clients, one run per count");
        t.value("seconds", null, "S", "60", "measured time per count");
        t.value("warmup", null, "S", "5", "unmeasured time before each count's measurement");
        t.value("pid", null, "PID", null, "the server's process id, to sample its RSS from /proc");
    }

    /** One client count's measurement. */
    private record Run(int clients, int requests, int errors, double seconds, double p50, double p99, long rssStart,
            long rssEnd, long rssPeak) {}

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        List<String> sentences = Files.readAllLines(Path.of(t.require(cmd, "input")), StandardCharsets.UTF_8)
                .stream().filter(s -> !s.isBlank()).toList();
        if (sentences.isEmpty()) {
            throw new UsageException(t.get(cmd, "input") + ": no sentences");
        }
        URI url = URI.create(t.require(cmd, "url")).resolve("/v1/translate");
        if (url.getHost() == null || !InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
            throw new UsageException("--url " + t.get(cmd, "url") + ": only loopback addresses may be load-tested");
        }
        int seconds = t.getInt(cmd, "seconds", 1);
        int warmup = t.getInt(cmd, "warmup", 0);
        if (seconds + warmup > 3600) {
            throw new UsageException("--seconds plus --warmup must stay within an hour");
        }
        String pid = t.get(cmd, "pid");
        Path status = pid == null ? null : Path.of("/proc", pid, "status");
        System.out.println("| clients | requests | requests/s | p50 ms | p99 ms | errors | server RSS start → end MiB"
                + " | server peak RSS MiB (sampled) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---|---:|");
        for (String c : t.require(cmd, "clients").split(",")) {
            int clients;
            try {
                clients = Integer.parseInt(c.trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--clients " + c + ": expected whole numbers separated by commas");
            }
            if (clients < 1 || clients > MAX_CLIENTS) {
                throw new UsageException("--clients " + c + ": must be from 1 to " + MAX_CLIENTS);
            }
            Run r = measure(url, sentences, clients, warmup, seconds, status);
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.0f | %d | %s | %s |%n", r.clients(),
                    r.requests(), r.requests() / r.seconds(), r.p50(), r.p99(), r.errors(),
                    status == null ? "-" : mib(r.rssStart()) + " → " + mib(r.rssEnd()),
                    status == null ? "-" : mib(r.rssPeak()));
            System.out.flush();
        }
        return 0;
    }

    private static String mib(long kib) {
        return Long.toString(kib / 1024);
    }

    private static Run measure(URI url, List<String> sentences, int clients, int warmup, int seconds, Path status)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime() + warmup * 1_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long[] rss = {-1, -1, -1}; // start, end, peak (KiB)
        Thread sampler = new Thread(() -> sample(status, start, end, rss), "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            AtomicInteger errors = new AtomicInteger();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> client(http, url, sentences, next, start, end, errors)));
            }
            List<Long> latencies = new ArrayList<>();
            for (Future<long[]> f : futures) {
                for (long l : f.get()) {
                    latencies.add(l);
                }
            }
            sampler.join(10_000);
            double elapsed = Math.max(seconds, (System.nanoTime() - start) / 1e9);
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Run(clients, sorted.length, errors.get(), elapsed, percentile(sorted, 0.50),
                    percentile(sorted, 0.99), rss[0], rss[1], rss[2]);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One client: send, wait, repeat until {@code end}; returns the latencies (ns) of requests sent after start. */
    private static long[] client(HttpClient http, URI url, List<String> sentences, AtomicInteger next, long start,
            long end, AtomicInteger errors) {
        long[] latencies = new long[16];
        int n = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            JsonObject body = new JsonObject();
            body.addProperty("text", sentences.get(Math.floorMod(next.getAndIncrement(), sentences.size())));
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
            boolean ok;
            try {
                ok = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long took = System.nanoTime() - now;
            if (now < start) {
                continue; // warm-up
            }
            if (!ok) {
                errors.incrementAndGet();
            }
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = took;
        }
        return Arrays.copyOf(latencies, n);
    }

    /** Samples VmRSS every 200 ms between {@code start} and {@code end}. */
    private static void sample(Path status, long start, long end, long[] rss) {
        if (status == null) {
            return;
        }
        try {
            while (System.nanoTime() < start) {
                Thread.sleep(50);
            }
            while (System.nanoTime() < end) {
                long kib = rssKib(status);
                if (rss[0] < 0) {
                    rss[0] = kib;
                }
                rss[1] = kib;
                rss[2] = Math.max(rss[2], kib);
                Thread.sleep(200);
            }
        } catch (IOException | InterruptedException e) {
            // the server went away: the errors column shows it
        }
    }

    private static long rssKib(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
