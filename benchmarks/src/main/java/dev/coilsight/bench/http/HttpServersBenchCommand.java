package dev.coilsight.bench.http;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.bench.Percentiles;
import dev.coilsight.bench.TableJsonOption;
import dev.coilsight.cli.CoilsightCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./coilsight bench http-servers}: the embedded HTTP servers the front could run on, each reading uploads of
 * 100 KB to 8 MB whole into memory and answering 202, loaded by the same kept-alive clients; MB/s per server and body
 * size, and each as a fraction of the front (Jetty through http-spi). Rounds alternate the servers' order; the figure
 * is the median over rounds. What chose Jetty is in docs/HTTP.md.
 */
@Command(name = "http-servers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Upload throughput of embedded HTTP servers on this machine (Coilsight's Jetty front, Jetty's own",
                "handler API, the JDK HttpServer, Undertow, Vert.x), each reading bodies of 100 KB to 8 MB whole",
                "and answering 202: MB/s and p50 per server and size, and each as a fraction of the front."})
public final class HttpServersBenchCommand extends CoilsightCommand {

    @Option(names = "--servers", split = ",", defaultValue = "jetty-front,jetty-core,jdk,undertow,vertx",
            description = "Servers to measure (default: ${DEFAULT-VALUE}).")
    List<String> servers;

    @Option(names = "--sizes", split = ",", defaultValue = "100000,1000000,8000000",
            description = "Body sizes in bytes (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--seconds", defaultValue = "4", description = "Measured seconds per server and size (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "1", description = "Warm-up seconds before each measurement (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds over every server and size (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "1",
            description = "Rounds over every server and size run first and not counted: the first phases of a fresh JVM run "
                    + "up to 2-3x slower while the JIT compiles (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent uploading clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--max-requests", defaultValue = "16", description = "Worker threads / request bound of each server (default: ${DEFAULT-VALUE}).")
    int maxRequests;

    @CommandLine.Mixin
    TableJsonOption json;

    /** One server at one size in one round. */
    record Sample(String server, int bytes, int round, double megabytesPerSecond, double requestsPerSecond, double p50Ms, long errors) {
    }

    @Override
    protected int run() throws Exception {
        if (seconds < 1 || warmup < 0 || rounds < 1 || warmupRounds < 0 || clients < 1 || maxRequests < 1 || sizes.stream().anyMatch(s -> s < 1)) {
            throw badOption("--seconds, --rounds, --clients, --max-requests and every --sizes "
                    + "value must be >= 1, --warmup and --warmup-rounds >= 0");
        }
        for (String name : servers) {
            try {
                CandidateServer.named(name);
            } catch (IllegalArgumentException e) {
                throw badOption(e.getMessage());
            }
        }
        int allRounds = rounds + warmupRounds;
        System.err.printf("bench http-servers: %d servers x %d sizes x %d rounds (%d not counted) x %d s: about %d min%n", servers.size(),
                sizes.size(), allRounds, warmupRounds, warmup + seconds,
                Math.max(1, Math.round(servers.size() * sizes.size() * allRounds * (warmup + seconds + 1) / 60.0)));
        List<Sample> samples = new ArrayList<>();
        for (int round = 1 - warmupRounds; round <= rounds; round++) {
            List<String> order = new ArrayList<>(servers);
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            for (int size : sizes) {
                byte[] body = new byte[size];
                new Random(size).nextBytes(body);
                for (String name : order) {
                    Sample sample = measure(name, body, round);
                    System.err.printf(Locale.ROOT, "bench http-servers: %s  %-12s %9d B  %8.1f MB/s  %8.1f req/s  p50 %.1f ms%s%n",
                            round < 1 ? "warm-up round" : "round " + round + "/" + rounds, name, size, sample.megabytesPerSecond(), sample.requestsPerSecond(), sample.p50Ms(),
                            sample.errors() > 0 ? ", " + sample.errors() + " errors" : "");
                    samples.add(sample);
                }
            }
        }
        json.print(stdout(), new ObjectMapper().writeValueAsString(Map.of("setup", setup(), "results", summary(samples))),
                table(samples));
        return samples.stream().allMatch(s -> s.errors() == 0) ? 0 : 1;
    }

    private Sample measure(String name, byte[] body, int round) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        try (CandidateServer server = CandidateServer.named(name)) {
            int port = server.start(maxRequests);
            for (int c = 0; c < clients; c++) {
                Thread thread = new Thread(() -> {
                    try (PlainUploadClient client = new PlainUploadClient(new InetSocketAddress("127.0.0.1", port), 60_000)) {
                        while (!stop.get()) {
                            long sent = System.nanoTime();
                            boolean ok;
                            try {
                                ok = client.post("/upload", body, "Content-Type: application/octet-stream").status() == 202;
                            } catch (Exception e) {
                                ok = false;
                            }
                            if (!ok && !stop.get()) {
                                errors.incrementAndGet(); // warming up or measuring: either way not a clean run
                            } else if (ok && measuring.get()) {
                                done.incrementAndGet();
                                latencies.add((System.nanoTime() - sent) / 1e6);
                            }
                        }
                    }
                }, "http-servers-client-" + c);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            measuring.set(true);
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            measuring.set(false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            double requests = done.get() / elapsed;
            return new Sample(name, body.length, round, requests * body.length / 1e6, requests, Percentiles.summary(latencies).p50(), errors.get());
        }
    }

    /**
     * Per size and server, over the counted rounds: the medians, and MB/s as a fraction of the front's taken within each
     * round (seconds apart, under the same outside load), then their median. Errors of every round, warm-up included.
     */
    private List<Map<String, Object>> summary(List<Sample> samples) {
        List<Sample> counted = samples.stream().filter(s -> s.round() >= 1).toList();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int size : sizes) {
            for (String name : servers) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("server", name);
                row.put("bodyBytes", size);
                row.put("megabytesPerSecond", round(median(counted, name, size, Sample::megabytesPerSecond)));
                row.put("requestsPerSecond", round(median(counted, name, size, Sample::requestsPerSecond)));
                row.put("p50Ms", round(median(counted, name, size, Sample::p50Ms)));
                double overFront = overFront(counted, name, size);
                row.put("overJettyFront", Double.isNaN(overFront) ? null : round(overFront));
                row.put("errors", samples.stream().filter(s -> s.server().equals(name) && s.bytes() == size).mapToLong(Sample::errors).sum());
                rows.add(row);
            }
        }
        return rows;
    }

    /** The median over rounds of the server's MB/s over the front's in the same round; NaN without the front. */
    private static double overFront(List<Sample> counted, String name, int size) {
        List<Sample> ratios = new ArrayList<>();
        for (Sample s : counted) {
            if (s.server().equals(name) && s.bytes() == size) {
                counted.stream().filter(f -> f.server().equals("jetty-front") && f.bytes() == size && f.round() == s.round()).findFirst()
                        .ifPresent(front -> ratios.add(new Sample(name, size, s.round(), s.megabytesPerSecond() / front.megabytesPerSecond(), 0, 0, 0)));
            }
        }
        return median(ratios, name, size, Sample::megabytesPerSecond);
    }

    private List<String> table(List<Sample> samples) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-12s %10s %10s %10s %8s %12s", "server", "body B", "MB/s", "req/s", "p50 ms", "vs front"));
        for (Map<String, Object> row : summary(samples)) {
            lines.add(String.format(Locale.ROOT, "%-12s %10d %10.1f %10.1f %8.1f %12s", row.get("server"), row.get("bodyBytes"),
                    row.get("megabytesPerSecond"), row.get("requestsPerSecond"), row.get("p50Ms"),
                    row.get("overJettyFront") == null ? "-" : row.get("overJettyFront")));
        }
        lines.add("(medians over " + rounds + " rounds after " + warmupRounds + " not counted; vs front: the median of per-round ratios; " + clients
                + " kept-alive clients; every server reads each body whole, as ingest does)");
        return lines;
    }

    private Map<String, Object> setup() {
        Map<String, Object> setup = new LinkedHashMap<>(optionValues());
        setup.put("cpus", Runtime.getRuntime().availableProcessors());
        return setup;
    }

    private static double median(List<Sample> samples, String server, int size, java.util.function.ToDoubleFunction<Sample> figure) {
        double[] values = samples.stream().filter(s -> s.server().equals(server) && s.bytes() == size).mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
