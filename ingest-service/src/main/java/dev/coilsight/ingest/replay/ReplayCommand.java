package dev.coilsight.ingest.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.serviceruntime.cluster.ClusterOptions;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.cli.GracefulExit;
import dev.coilsight.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight replay}: a dataset's images published as coils coming off a line, at a steady rate. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish a dataset's images to steel.images as N coils at a steady rate, with capture times,",
                "per-coil sequence numbers and increasing positions along the strip, as a line would; the last image of",
                "each coil says it ends the coil (a coil whose last image was not published is ended on steel.coil-ends).",
                "Reads a Severstal folder (train_images/), a folder with images/, or a plain folder of images.",
                "Exit code 0 when every image was acknowledged, 1 when some were not, 2 on bad input."})
public final class ReplayCommand extends CoilsightCommand {

    @Option(names = "--dataset", required = true, paramLabel = "PATH", description = "Dataset folder, e.g. ../shared/data/severstal-stream.")
    Path dataset;

    @Option(names = "--coils", defaultValue = "3", description = "Number of coils the images are split into (default: ${DEFAULT-VALUE}).")
    int coils;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "R", description = "Images per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--loop", description = "Replay again and again (new coil ids each time) until stopped with Ctrl-C.")
    boolean loop;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", defaultValue = Topics.IMAGES, description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--coil-prefix", description = "Coil id prefix (default: replay-<date-time>-).")
    String coilPrefix;

    @Option(names = "--camera-id", defaultValue = "replay", description = "Camera id of the events (default: ${DEFAULT-VALUE}).")
    String cameraId;

    @Option(names = "--line-id", description = "Line id of the events (default: none).")
    String lineId;

    @Option(names = "--position-step-mm", defaultValue = "400", description = "Strip length between images in mm (default: ${DEFAULT-VALUE}).")
    double positionStepMm;

    @Option(names = "--no-auto-register", description = "Do not register the schema (production registries where schemas are deployed).")
    boolean noAutoRegister;

    private ImagePublisher publisher() {
        try {
            return new ImagePublisher(cluster.settings(!noAutoRegister), topic, Duration.ofSeconds(15), ImageLimits.DEFAULT.maxBytes());
        } catch (org.apache.kafka.common.KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("cannot connect to " + cluster.bootstrapServers() + " (--bootstrap-servers, "
                    + "COILSIGHT_BOOTSTRAP_SERVERS): " + cause.getMessage(), e);
        }
    }

    @Override
    protected int run() {
        List<Path> images = ReplaySource.images(dataset);
        if (coils > images.size()) {
            throw new IllegalArgumentException("--coils " + coils + " is more coils than the " + images.size() + " images of " + dataset
                    + " can make");
        }
        String prefix = coilPrefix != null ? coilPrefix
                : "replay-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-";
        Replayer.Plan plan = new Replayer.Plan(coils, rate, prefix, cameraId, lineId, positionStepMm, loop ? 0 : 1);
        try (ImagePublisher publisher = publisher()) {
            // Before the first image: unreachable, every send would wait out its timeout and the replay crawl to "0 published".
            if (!publisher.brokerReachable()) {
                throw new IllegalArgumentException("no Kafka broker answers at " + cluster.bootstrapServers()
                        + " (--bootstrap-servers, COILSIGHT_BOOTSTRAP_SERVERS)");
            }
            Replayer replayer = new Replayer(publisher, new ImageEvents(ImageLimits.DEFAULT, false), new IngestMetrics());
            // Ctrl-C ends the replay after the image in flight; the JVM waits for the summary and the producer's flush.
            GracefulExit exit = new GracefulExit("replay-stop", replayer::stop, Duration.ofSeconds(30));
            try {
                Replayer.Result result;
                try (ProgressBar progress = new ProgressBar("replay", loop ? ProgressBar.UNBOUNDED : images.size())) {
                    result = replayer.replay(images, plan, progress);
                } catch (Replayer.RegistryFailure e) {
                    stderr().println("replay: " + e.getMessage() + " (--registry, COILSIGHT_SCHEMA_REGISTRY_URL"
                            + (noAutoRegister ? "; --no-auto-register: is the schema deployed?" : "") + ")");
                    return 1;
                }
                var out = stdout();
                out.printf("published %d images (%.1f MB) as %d coils in %.1f s (%.1f images/s); %d not published%n",
                        result.published(), result.bytes() / 1e6, result.coilIds().size(), result.seconds(),
                        result.imagesPerSecond(), result.rejected());
                out.println("coils: " + String.join(" ", result.coilIds()));
                out.flush();
                return result.rejected() == 0 ? 0 : 1;
            } finally {
                publisher.close(); // before the hook lets the JVM go (the try's own close is then a no-op)
                exit.close();
            }
        }
    }
}
