package dev.coilsight.devstack;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.schemas.ImageClassified;

/** {@code demo --once}: waits until the dataset is through, then prints the coils, their grades, the shadow comparison and the score. */
final class DemoOnce {

    private final PrintWriter out;
    private final DevStack stack;
    private final ResultWatcher results;
    private final DemoReplay replay;
    private final long deadline;
    private final BooleanSupplier stopRequested;

    DemoOnce(PrintWriter out, DevStack stack, ResultWatcher results, DemoReplay replay, long deadlineNanos, BooleanSupplier stopRequested) {
        this.out = out;
        this.stack = stack;
        this.results = results;
        this.replay = replay;
        this.deadline = deadlineNanos;
        this.stopRequested = stopRequested;
    }

    /** @return the exit code: 0 when every image was through in time */
    int run(Optional<DemoDataset.Labels> labels, Path segmenterModel, boolean shadow) throws InterruptedException {
        out.flush();
        // An image is through when it is classified and, if defective, segmented.
        int expected;
        try (ProgressBar progress = new ProgressBar("inspected", replay.expectedImages(), System.out)) {
            while (results.classified() < (expected = replay.expectedImages()) || results.segmented() < results.defective()) {
                progress.status(results.defective() + " defective");
                progress.update(results.classified() - (results.defective() - results.segmented()));
                if (stopRequested.getAsBoolean()) {
                    out.println("\ndemo: stopped before the dataset was through");
                    out.flush();
                    return 1;
                }
                if (System.nanoTime() > deadline) {
                    out.printf("%ndemo: timed out: %d of %d images classified, %d of %d defective ones segmented%n",
                            results.classified(), expected, results.segmented(), results.defective());
                    out.flush();
                    return 1;
                }
                Thread.sleep(250);
            }
            progress.status(results.defective() + " defective");
            progress.update(expected);
        }
        // The figures on the dashboard come from coil-analytics: wait until it has counted every image too.
        CoilTable table = new CoilTable(stack.dashboardUrl());
        JsonNode page = null;
        String prefix = replay.coilPrefix();
        while (page == null || CoilTable.inspected(page, prefix) != expected) {
            if (System.nanoTime() > deadline) {
                out.printf("%ndemo: timed out: coil-analytics has counted %s of the %d images%n",
                        page == null ? "none" : String.valueOf(CoilTable.inspected(page, prefix)), expected);
                out.flush();
                return 1;
            }
            Thread.sleep(250);
            page = table.coils();
        }
        out.printf("%nPer-coil summary (%d images, %d defective, %d segmented):%n", results.classified(), results.defective(), results.segmented());
        out.print(CoilTable.render(page));
        CoilGrades grades = new CoilGrades(stack.dashboardUrl());
        out.printf("%nCoil grades (each coil ended on its last image; docs/QUALITY.md):%n");
        Map<String, JsonNode> graded = grades.await(CoilTable.coilIds(page), Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(60)));
        out.print(CoilGrades.render(graded, grades.alerts(graded, Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(15)))));
        if (shadow) {
            out.printf("%nShadow segmenter beside the live one (docs/REVIEWS.md):%n");
            out.print(ShadowSummary.render(ShadowSummary.await(stack.dashboardUrl(), results.segmented(),
                    Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(120)))));
        }
        // The roll-mark coil repeats images of the data set: it is not scored.
        List<ImageClassified> scored = results.classifications().stream()
                .filter(c -> replay.rollMarkCoil().map(coil -> !coil.equals(c.getCoilId())).orElse(true)).toList();
        DemoScore.print(out, labels, scored, results.segmentations(), ModelCard.read(segmenterModel));
        out.flush();
        return 0;
    }
}
