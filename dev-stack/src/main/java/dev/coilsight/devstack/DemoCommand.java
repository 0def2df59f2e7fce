package dev.coilsight.devstack;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.cli.LoggingOptions;
import dev.coilsight.cli.GracefulExit;
import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.embedded.Ports;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.replay.Replayer;
import dev.coilsight.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./coilsight demo}: the whole system on this machine, fed with real images replayed as coils,
 * with a live per-coil table here and the dashboard in the browser.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole system on this machine: a Kafka broker (KRaft, in-process), an Apicurio schema registry",
                "(child JVM), the topics and schemas, ingest, the classifier and segmenter workers with the default models,",
                "and coil-analytics with its dashboard; then replays a dataset's images as coils at line rate and shows the",
                "per-coil figures live. Ctrl-C stops everything. With --once: process the dataset once, print the per-coil",
                "summary and the Kaggle score against the dataset's labels (when it has train.csv), and exit.",
                "Exit code 0 when done, 1 when --once timed out, 2 on bad input (dataset, models, a port in use)."})
public final class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    /** The services' log lines, in the data folder. */
    static final String LOG_FILE = "demo.log";

    @Option(names = "--line", defaultValue = "severstal", converter = DemoLine.Converter.class,
            description = {"The production line: severstal (steel strip, 4 classes, 1600x256) or magnetic-tile (5 classes, tiles of",
                    "many sizes, mostly defect-free; replays the test part of its split, which its models never saw). It picks the",
                    "data set beside the checkout, the default models and the rate (default: ${DEFAULT-VALUE})."})
    DemoLine line;

    @Option(names = "--dataset", paramLabel = "PATH",
            description = "Folder with train_images/ (and optionally train.csv, for the score), e.g. the Kaggle download, or images/ + "
                    + "masks/. Default: the line's data set in ../shared/data beside the checkout.")
    Path dataset;

    @Option(names = "--coils", defaultValue = "3", description = "Coils the images are split into (default: ${DEFAULT-VALUE}).")
    int coils;

    @Option(names = "--rate", paramLabel = "R", description = "Images per second replayed (default: the line's, 1 for severstal and 4 for "
            + "magnetic-tile, about what two CPU cores classify and segment; raise it on a GPU).")
    Double rate;

    @Option(names = "--once", description = "Process the dataset once, print the summary and the score, and exit.")
    boolean once;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the broker, registry and state stores keep their data "
            + "(default: a new temporary folder, deleted at exit but for its demo.log).")
    Path dataDir;

    @Option(names = "--models", paramLabel = "DIR", description = "Folder with the line's classifier and segmenter "
            + "(severstal-classifier/ and severstal-resunet/; for --line magnetic-tile, magnetic-tile-classifier/ and "
            + "magnetic-tile-resunet/; default: models/ of the checkout).")
    Path models;

    @Option(names = "--shadow-segmenter", paramLabel = "MODEL_DIR", description = {"Also run this segmenter in shadow on the same images "
            + "(e.g. one fine-tuned on ./coilsight export-labels):", "the dashboard and --once's summary compare it with the live one (docs/REVIEWS.md)."})
    Path shadowSegmenter;

    @Option(names = "--dashboard-port", defaultValue = "8090", description = "Dashboard and REST API port (default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--ingest-port", defaultValue = "18080", description = "Ingest HTTP port (default: ${DEFAULT-VALUE}).")
    int ingestPort;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "18081", description = "Schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--threads", defaultValue = "1", description = "Worker threads per inference worker (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "4", description = "Maximum inference batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--timeout", defaultValue = "900", paramLabel = "SECONDS",
            description = "With --once: give up after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @CommandLine.Mixin
    LoggingOptions logging;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set by Ctrl-C (the shutdown hook): the loops end and everything is closed in order before the JVM exits. */
    private volatile boolean stopRequested;

    /** Labels of classes the line's models do not have would be scored against another taxonomy, or not at all. */
    private void requireClassesOfTheLine(DemoDataset.Labels labels, Path segmenterModel) {
        java.util.Set<Integer> known = new java.util.TreeSet<>();
        dev.coilsight.core.model.ModelCard.read(segmenterModel).classes().forEach(c -> known.add(c.id()));
        java.util.Set<Integer> unknown = new java.util.TreeSet<>();
        labels.rows().forEach(r -> {
            if (!known.contains(r.classId())) {
                unknown.add(r.classId());
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(labels.source() + " labels classes " + unknown + " that the " + line.id + " line's models do not "
                    + "have (" + known + "): is it another line's data set? Choose its line with --line ("
                    + Arrays.stream(DemoLine.values()).map(l -> l.id).collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = Path.of(System.getProperty("coilsight.root", ".")).toAbsolutePath().normalize();
        Path data = dataset != null ? DemoLine.requireFolder(dataset) : line.sharedDataset(root);
        // The line's split names the images of its own data set; another folder is replayed whole.
        Optional<Path> split = dataset == null ? line.split().map(root::resolve) : Optional.empty();
        DemoDataset replayed = DemoDataset.open(data, split);
        List<Path> images = replayed.images();
        Optional<DemoDataset.Labels> labels = replayed.labels();
        double rate = this.rate != null ? this.rate : line.rate;
        Path modelRoot = models != null ? models : root.resolve("models");
        Path classifierModel = DemoLine.requireModel(modelRoot.resolve(line.classifier));
        Path segmenterModel = DemoLine.requireModel(modelRoot.resolve(line.segmenter));
        Path shadowModel = shadowSegmenter == null ? null : DemoLine.requireModel(shadowSegmenter.toAbsolutePath(),
                "--shadow-segmenter names a model folder (model.json and a SavedModel), such as one that ./coilsight train wrote");
        labels.ifPresent(l -> requireClassesOfTheLine(l, segmenterModel));
        String prefix = "coil-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")) + "-";
        Replayer.Plan plan = new Replayer.Plan(coils, rate, prefix, "demo-camera", line.id, 400, once ? 1 : 0); // --coils, --rate
        // Fail before starting anything when a port is taken.
        Ports.requireFree(dashboardPort, "the dashboard (--dashboard-port)");
        Ports.requireFree(ingestPort, "ingest (--ingest-port)");
        Ports.requireFree(kafkaPort, "the Kafka broker (--kafka-port)");
        Ports.requireFree(registryPort, "the schema registry (--registry-port)");

        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("coilsight-demo-") : dataDir.toAbsolutePath();
        Path logFile = logging.apply(dir.resolve(LOG_FILE));
        out.printf("Coilsight demo: %d images from %s%s as %d coils at %.1f images/s%n  state in %s%s%n  logs in %s%s%n", images.size(),
                data, split.map(s -> " (listed in " + root.relativize(s) + ")").orElse(""), coils, rate, dir, temporary ? " (deleted at exit, but for the log)" : "", logFile,
                logging.verbose() ? "" : " (--verbose shows them here)");
        out.flush();
        DevStack.Settings settings = new DevStack.Settings(dir, classifierModel, segmenterModel, kafkaPort, registryPort, ingestPort,
                dashboardPort, 3, threads, batch);
        // Ctrl-C while the stack starts (the registry may take a minute): the JVM goes without the finally below.
        Thread deleteIfStoppedWhileStarting = new Thread(() -> {
            if (temporary) {
                deleteQuietly(dir, logFile);
            }
        }, "demo-start-cleanup");
        Runtime.getRuntime().addShutdownHook(deleteIfStoppedWhileStarting);
        DevStack stack = null;
        try {
            stack = DevStack.start(settings, (part, where) -> {
                out.printf("  started %-40s %s%n", part, where);
                out.flush();
            });
            if (shadowModel != null) {
                stack.startShadowSegmenter(shadowModel);
                out.printf("  started %-40s %s%n", "shadow segmenter (" + shadowSegmenter.getFileName() + ")", "steel.defects.shadow");
            }
        } catch (RuntimeException e) {
            // The whole cause (a part that failed to start says why, the registry with its own last log lines) goes to
            // the log, which stays; the terminal gets one line.
            log.error("the demo could not start: {}", e.getMessage(), e);
            if (stack != null) {
                try {
                    stack.close();
                } catch (RuntimeException closing) {
                    log.warn("stopping what had started: {}", closing.toString());
                }
            }
            if (temporary) {
                deleteQuietly(dir, logFile); // what the parts that did start wrote
            }
            String cause = Optional.ofNullable(e.getMessage()).flatMap(m -> m.lines().findFirst()).orElse(e.getClass().getSimpleName());
            spec.commandLine().getErr().println("demo: could not start: " + cause + " (the whole story is in " + logFile + ")");
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(deleteIfStoppedWhileStarting);
            } catch (IllegalStateException exiting) {
                // stopping already: the hook deletes the folder
            }
        }
        // Once: this run's coils only, whatever a reused --data-dir holds; live: everything, uploads by hand included.
        ResultWatcher results = new ResultWatcher(stack.bootstrapServers(), stack.registryUrl(), once ? prefix : "");
        ImagePublisher publisher = new ImagePublisher(ClusterSettings.plain(stack.bootstrapServers(), stack.registryUrl()), Topics.IMAGES, Duration.ofSeconds(15), ImageLimits.DEFAULT.maxBytes());
        ImageEvents events = new ImageEvents(ImageLimits.DEFAULT, false);
        Replayer replayer = new Replayer(publisher, events, new IngestMetrics());
        DemoReplay replay = new DemoReplay(replayer, publisher, events, images, plan, !once,
                line.rolled ? Optional.of(new RollMarkCoil(prefix)) : Optional.empty(), results);
        // Native inference must be finished and the registry child stopped before the JVM goes.
        GracefulExit exit = new GracefulExit("demo-stop", () -> {
            stopRequested = true;
            replay.stop();
        }, Duration.ofSeconds(120));
        try {
            out.printf("%nDashboard: %s%nIngest:    curl -H 'Authorization: Bearer %s' -H 'Content-Type: image/jpeg' --data-binary @image.jpg %s/v1/coils/my-coil/images%n"
                    + "Kafka:     %s   Registry: %s%n"
                    + "Reviews:   the Review button on the dashboard's images; then ./coilsight export-labels --out DIR --bootstrap-servers %s --registry %s%n"
                    + "Failures:  ./coilsight dead-letters --bootstrap-servers %s (what a stage could not process, and why)%n%s%n",
                    stack.dashboardUrl(), stack.ingestToken(), stack.ingestUrl(), stack.bootstrapServers(), stack.registryUrl(),
                    stack.bootstrapServers(), stack.registryUrl(), stack.bootstrapServers(), once ? "" : "Ctrl-C stops everything.");
            out.flush();
            Thread replaying = new Thread(replay, "demo-replay");
            replaying.setDaemon(true);
            replaying.start();
            return once ? new DemoOnce(out, stack, results, replay, System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds),
                    () -> stopRequested).run(labels, segmenterModel, shadowSegmenter != null) : runLive(out, stack, results);
        } finally {
            replay.stop();
            results.close();
            publisher.close();
            stack.close();
            if (temporary) {
                deleteQuietly(dir, logFile);
            }
            exit.close();
        }
    }

    private int runLive(PrintWriter out, DevStack stack, ResultWatcher results) throws InterruptedException {
        CoilTable table = new CoilTable(stack.dashboardUrl());
        boolean terminal = System.console() != null;
        while (!stopRequested) {
            JsonNode page = table.recentCoils();
            if (terminal) {
                out.print("\033[H\033[2J");
                out.printf("Coilsight demo · dashboard %s · Ctrl-C stops%n%n", stack.dashboardUrl());
            }
            out.print(CoilTable.render(page));
            out.printf("%nclassified %d images, %d defective, %d segmented%n%n", results.classified(), results.defective(), results.segmented());
            out.flush();
            pause(terminal ? 2_000 : 10_000);
        }
        out.println("stopping: finishing the batches in flight, then the services, the registry and the broker");
        out.flush();
        return 0;
    }

    /** Sleeps up to {@code millis}, waking early when a stop is requested. */
    private void pause(long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (!stopRequested && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
    }

    /** Deletes the demo's state but the log file (and so its folder). */
    private static void deleteQuietly(Path dir, Path keep) {
        Path kept = keep.toAbsolutePath().normalize();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !kept.startsWith(p.toAbsolutePath().normalize()))
                    .forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            log.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
