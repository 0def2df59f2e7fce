package dev.coilsight.bench.ingest;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.bench.BenchOutput;
import dev.coilsight.bench.ReportFileOption;
import dev.coilsight.bench.ScratchFolder;
import dev.coilsight.bench.TableJsonOption;
import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.embedded.LocalRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./coilsight bench ingest}: how many real images per second the ingest HTTP endpoint gets
 * acknowledged on loopback, against a bare Kafka producer sending the same bytes with the same settings
 * (idempotent, acks=all), in one run on one broker (and registry) started in this process unless given.
 * Every phase runs on a fresh topic after a warm-up; rounds alternate the phases (see {@link Phase}), and
 * the headline is the median of the per-round HTTP/raw ratios.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"HTTP upload through ingest-service vs a raw Kafka producer sending the same",
                "image bytes, both into a real broker started in this process (unless given):",
                "images/s, MB/s and latency per phase, HTTP/raw per round and its median",
                "(target >= 0.8). Progress on stderr, results on stdout. Exit code 0 when every",
                "image was acknowledged and found in its topic, 1 otherwise, 2 on bad input."})
public final class IngestBenchCommand extends CoilsightCommand {

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of JPEG/PNG images (default: ../shared/data/severstal-sample).")
    Path imagesDir;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds before each measurement (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds over all phases (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "2",
            description = {"Rounds over all phases run first and not counted: the JIT warms up every path; on 2 cores every phase runs",
                    "2-3x faster after about 70 s (default: ${DEFAULT-VALUE})."})
    int warmupRounds;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients / sending threads (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--http-threads", defaultValue = "16", description = "Requests the server handles at once, as COILSIGHT_HTTP_MAX_REQUESTS (default: ${DEFAULT-VALUE}).")
    int httpThreads;

    /** Which HTTP client the cameras of the HTTP phases are. */
    enum HttpClientKind { plain, jdk }

    @Option(names = "--http-client", defaultValue = "plain",
            description = {"The cameras' HTTP client: plain (a minimal HTTP/1.1 client on a socket, as a camera's firmware would be)",
                    "or jdk (java.net.http, which costs this machine's shared cores about as much as the server does) (default: ${DEFAULT-VALUE})."})
    HttpClientKind httpClient;

    @Option(names = "--window", defaultValue = "64", description = "Records in flight of the pipelined raw producer (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of each benchmark topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--phases", split = ",", defaultValue = "raw,raw-sync,publisher,http,http-null",
            description = "Phases to run, of raw, raw-sync, publisher, http, http-null (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(names = "--bootstrap-servers", description = "Use this broker instead of starting one in-process.")
    String bootstrapServers;

    @Option(names = "--registry", description = "Confluent-compatible registry URL to use instead of starting Apicurio.")
    String registry;

    @CommandLine.Mixin
    TableJsonOption json;

    @CommandLine.Mixin
    ReportFileOption out;

    @Override
    protected int run() throws Exception {
        if (seconds < 1 || warmup < 0 || rounds < 1 || warmupRounds < 0 || clients < 1 || httpThreads < 1 || window < 1 || partitions < 1) {
            throw badOption("--seconds, --rounds, --clients, --http-threads, --window and "
                    + "--partitions must be >= 1, --warmup and --warmup-rounds >= 0");
        }
        List<Phase> phaseList;
        try {
            phaseList = Phase.parse(phases);
        } catch (IllegalArgumentException e) {
            throw badOption(e.getMessage());
        }
        IngestImages images = IngestImages.load(imagesDir != null ? imagesDir : IngestImages.defaultFolder());

        PrintWriter stdout = stdout(); // made now, on the real stdout
        IngestBenchReport report = BenchOutput.offStdout(() -> measure(images, phaseList, System.err));
        json.print(stdout, report.toJson(), report.toTable());
        out.append(report.toJson());
        return report.errors() == 0 && report.topicMismatches().isEmpty() ? 0 : 1;
    }

    /** Broker and registry in a temporary folder, only those not given and needed; gone when the run ends. */
    private IngestBenchReport measure(IngestImages images, List<Phase> phaseList, PrintStream progress) throws Exception {
        boolean startKafka = bootstrapServers == null;
        boolean startRegistry = registry == null && phaseList.stream().anyMatch(Phase::needsRegistry);
        long phaseSeconds = warmup + seconds;
        progress.printf("ingest bench: %d phases x %d rounds (+%d warm-up) x %d s: about %d min%s%n", phaseList.size(), rounds, warmupRounds,
                phaseSeconds, Math.max(1, Math.round(phaseList.size() * (rounds + warmupRounds) * phaseSeconds / 60.0)),
                startKafka || startRegistry ? "; starting the in-process " + (startKafka && startRegistry ? "broker and registry"
                        : startKafka ? "broker" : "registry") : "");
        try (ScratchFolder state = ScratchFolder.create("coilsight-bench-ingest-");
             LocalKafka kafka = startKafka ? LocalKafka.start(state.resolve("kafka"), 0, 0, PhaseRunner.BROKER_SETTINGS) : null;
             LocalRegistry localRegistry = startRegistry ? LocalRegistry.start(state.resolve("registry")) : null) {
            String brokerAddress = kafka != null ? kafka.bootstrapServers() : bootstrapServers;
            String registryUrl = localRegistry != null ? localRegistry.ccompatUrl() : registry;
            LoadSettings settings = new LoadSettings(brokerAddress, registryUrl, images, clients, window, httpThreads,
                    httpClient == HttpClientKind.jdk);
            Map<String, Object> setup = setup(phaseList, kafka != null, localRegistry != null);
            List<PhaseResult> warmUp = new ArrayList<>();
            List<PhaseResult> counted = runRounds(settings, phaseList, progress, warmUp);
            return new IngestBenchReport(images, setup, counted, warmUp);
        }
    }

    /**
     * Warm-up rounds (numbered 0, -1, ..) first, then the counted ones; each round runs every phase once, odd rounds
     * in order and even rounds in reverse, so that no phase always runs after the others (whose gigabytes the broker
     * and the kernel are still writing away) and a drift along the round weighs on both sides of the ratio alike.
     */
    private List<PhaseResult> runRounds(LoadSettings settings, List<Phase> phaseList, PrintStream progress, List<PhaseResult> warmUp)
            throws Exception {
        List<PhaseResult> counted = new ArrayList<>();
        try (PhaseRunner runner = new PhaseRunner(settings, partitions, warmup, seconds, progress)) {
            for (int round = 1 - warmupRounds; round <= rounds; round++) {
                String name = round < 1 ? "warm-up " + (round + warmupRounds) + "/" + warmupRounds : "round " + round + "/" + rounds;
                List<Phase> order = new ArrayList<>(phaseList);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (Phase phase : order) {
                    PhaseResult result = runner.run(phase, round, name);
                    (round >= 1 ? counted : warmUp).add(result);
                }
            }
        }
        return counted;
    }

    private Map<String, Object> setup(List<Phase> phaseList, boolean ownBroker, boolean ownRegistry) {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("startedAt", Instant.now().toString());
        setup.put("clients", clients);
        setup.put("httpThreads", httpThreads);
        setup.put("window", window);
        setup.put("httpClient", httpClient.name());
        setup.put("partitions", partitions);
        setup.put("seconds", seconds);
        setup.put("warmupSeconds", warmup);
        setup.put("rounds", rounds);
        setup.put("warmupRounds", warmupRounds);
        setup.put("phasesRun", phaseList.stream().map(p -> p.id).toList());
        setup.put("cpus", Runtime.getRuntime().availableProcessors());
        setup.put("broker", ownBroker ? "in-process" : bootstrapServers);
        setup.put("registry", ownRegistry ? "in-process" : registry == null ? "none" : registry);
        return setup;
    }
}
