package dev.coilsight.analytics.review;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.cli.PointInTime;
import dev.coilsight.serviceruntime.cluster.ClusterOptions;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight export-labels}: the reviews on {@code steel.reviews} as a training data set. */
@Command(name = "export-labels", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the images people reviewed in the dashboard as a data set in the Kaggle Severstal layout: "
                + "DIR/train_images/ (the images, read from the reviews themselves), DIR/train.csv (ImageId,ClassId,EncodedPixels: "
                + "the reviewed masks; a rejected image has no row and counts as defect-free) and DIR/reviews.csv (who, when, "
                + "verdict, model). The last review of an image wins.",
                "./coilsight train and evaluate read DIR as it is (--dataset DIR). Reviews are kept as long as steel.reviews' "
                + "retention (180 days in docker-compose and k8s); see docs/REVIEWS.md.",
                "Exit code 0 when the data set was written, 2 on bad input or when the reviews could not be read."})
public final class ExportLabelsCommand extends CoilsightCommand {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the data set into (must not hold one).")
    Path out;

    @Option(names = "--since", paramLabel = "WHEN", converter = PointInTime.class,
            description = "Only reviews made at or after this time: " + PointInTime.FORMS + ".")
    Instant since;

    @Option(names = "--line", paramLabel = "LINE", description = "Only images of this production line.")
    String line;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", defaultValue = Topics.REVIEWS, description = "Topic of the reviews (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "Give up reading after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    protected int run() {
        Optional<Instant> from = Optional.ofNullable(since);
        Map<String, Object> settings = cluster.consumerSettings();
        LabelExport export = new LabelExport(out, from, Optional.ofNullable(line));
        ProgressBar[] bar = {null};
        try {
            ReviewReader.readAll(settings, topic, Duration.ofSeconds(timeoutSeconds), (read, total) -> {
                if (bar[0] == null) {
                    bar[0] = new ProgressBar("reading " + topic, Math.max(1, total));
                }
                bar[0].update(read);
            }, export::accept);
        } catch (RuntimeException e) {
            export.abandon();
            throw e;
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        LabelExport.Summary summary;
        try {
            summary = export.finish();
        } catch (RuntimeException e) {
            export.abandon();
            throw e;
        }
        var printed = stdout();
        printed.printf("%d reviews read; %d images written to %s (%d defect-free), %d masks in train.csv%n",
                summary.reviewsRead(), summary.images(), out.resolve("train_images"), summary.defectFree(), summary.masks());
        printed.printf("train on it: ./coilsight train segmenter --dataset %s ...%n", out);
        printed.flush();
        return 0;
    }
}
