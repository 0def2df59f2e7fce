package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.embedded.Ports;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.testsupport.SharedData;

/**
 * End to end, as a user runs it: {@code ./coilsight demo --once} on the shared Severstal sample starts the
 * broker, the registry and every service, streams the 16 images through them, prints the per-coil
 * summary and the Kaggle score against the labels, exits 0 and leaves no process behind.
 */
class DemoOnceIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    /** What a finished {@code demo --once} left: its process, its stdout. */
    private record Finished(Process process, String out) {
    }

    /** Runs {@code ./coilsight demo --once} with free ports and {@code args}; asserts it finished with exit code 0. */
    private Finished demoOnce(String... args) throws Exception {
        Path output = dataDir.resolve("demo-output.txt");
        List<String> line = new ArrayList<>(List.of(ROOT.resolve("coilsight").toString(), "demo", "--once"));
        line.addAll(List.of(args));
        line.addAll(List.of("--data-dir", dataDir.resolve("state").toString(),
                "--dashboard-port", String.valueOf(Ports.free()), "--ingest-port", String.valueOf(Ports.free()),
                "--kafka-port", String.valueOf(Ports.free()), "--registry-port", String.valueOf(Ports.free())));
        ProcessBuilder command = new ProcessBuilder(line)
                .directory(ROOT.toFile())
                .redirectErrorStream(false)
                .redirectOutput(output.toFile())
                .redirectError(dataDir.resolve("demo-log.txt").toFile());
        // This build has just packaged every module: the launcher runs what is there instead of building again.
        command.environment().put("COILSIGHT_SKIP_BUILD", "1");
        Process demo = command.start();
        demo.getOutputStream().close();
        boolean finished = demo.waitFor(10, TimeUnit.MINUTES);
        String out = Files.readString(output, StandardCharsets.UTF_8);
        if (!finished) {
            demo.destroyForcibly();
        }
        assertThat(finished).as("demo --once finished; its output:\n" + out + "\nlog tail:\n" + tail(dataDir.resolve("demo-log.txt"))).isTrue();
        assertThat(demo.exitValue()).as(out + "\nlog tail:\n" + tail(dataDir.resolve("demo-log.txt"))).isZero();
        return new Finished(demo, out);
    }

    @Test
    void demoOnceStreamsTheSampleAndPrintsTheSummaryAndTheScore() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        // The live segmenter also runs in shadow: the demo compares the two, as it would a fine-tuned candidate.
        Finished finished = demoOnce("--dataset", sample.toString(), "--coils", "3", "--rate", "8",
                "--shadow-segmenter", ROOT.resolve("models/severstal-resunet").toString());
        Process demo = finished.process();
        String out = finished.out();

        // Per-coil summary: three coils whose images add up to the 16 of the sample, and the coil with a roll mark.
        int images = 16 + RollMarkCoil.IMAGES;
        Matcher summary = Pattern.compile("Per-coil summary \\((\\d+) images, (\\d+) defective, (\\d+) segmented\\)").matcher(out);
        assertThat(summary.find()).as(out).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).isEqualTo(images);
        assertThat(summary.group(3)).isEqualTo(summary.group(2));
        List<long[]> coils = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^coil-\\S+\\s+(\\d+)\\s+(\\d+)\\s+([\\d.]+)%").matcher(out);
        while (row.find()) {
            coils.add(new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))});
            assertThat(Double.parseDouble(row.group(3))).isCloseTo(100.0 * Long.parseLong(row.group(2)) / Long.parseLong(row.group(1)),
                    org.assertj.core.data.Offset.offset(0.06));
        }
        assertThat(coils).hasSize(4);
        assertThat(coils.stream().mapToLong(c -> c[0]).sum()).isEqualTo(images);
        assertThat(coils.stream().mapToLong(c -> c[1]).sum()).isEqualTo(Long.parseLong(summary.group(2)));

        // Every coil ended on its last image and was graded; the roll mark was found at its pitch and alerted.
        Matcher grade = Pattern.compile("(?m)^(coil-\\S+)\\s+(A|B|C|REJECT)\\s+(\\S+)\\s+(.*)$").matcher(out);
        List<String> graded = new ArrayList<>();
        while (grade.find()) {
            graded.add(grade.group(1));
            if (grade.group(1).endsWith("roll-mark")) {
                Matcher pitch = Pattern.compile("every (\\d+) mm \\(roll (\\d+) mm\\), 6 turns").matcher(grade.group(4));
                assertThat(pitch.find()).as(grade.group()).isTrue();
                assertThat(Double.parseDouble(pitch.group(1)))
                        .isCloseTo(RollMarkCoil.PITCH_MM, org.assertj.core.data.Offset.offset(0.02 * RollMarkCoil.PITCH_MM));
                assertThat(grade.group(2)).as("the shipped rules grade a roll mark C at best").isIn("C", "REJECT");
            } else {
                assertThat(grade.group(4)).as(grade.group()).isEqualTo("-");
            }
        }
        assertThat(graded).as(out).hasSize(4).anyMatch(c -> c.endsWith("roll-mark"));
        assertThat(out).containsPattern("PERIODIC_DEFECT +coil coil-\\S+-roll-mark: .* repeats every \\d+ mm");

        // The shadow saw every defective image the live segmenter saw; the same model agrees with itself.
        Matcher shadow = Pattern.compile("(\\S+) \\(shadow\\) vs (\\S+) \\(live\\) on (\\d+) images: Kaggle mean Dice between them ([\\d.]+)")
                .matcher(out);
        assertThat(shadow.find()).as(out).isTrue();
        assertThat(shadow.group(1)).isEqualTo(shadow.group(2)).startsWith("severstal-resunet:");
        assertThat(shadow.group(3)).isEqualTo(summary.group(3));
        assertThat(Double.parseDouble(shadow.group(4))).isGreaterThan(0.99);
        assertThat(out).contains("Reviews:   the Review button on the dashboard's images; then ./coilsight export-labels --out DIR");
        assertThat(out).contains("Failures:  ./coilsight dead-letters --bootstrap-servers 127.0.0.1:");

        // The score: over 16 images x 4 classes; the baseline is what predicting nothing scores on these labels;
        // the mean Dice is the mean of the per-class Dice (every class has one pair per image).
        Matcher score = Pattern.compile("Kaggle mean Dice against .*: ([\\d.]+) over (\\d+) images x (\\d+) classes "
                + "\\(predict-nothing baseline: ([\\d.]+)\\)").matcher(out);
        assertThat(score.find()).as(out).isTrue();
        assertThat(score.group(2)).isEqualTo("16");
        assertThat(score.group(3)).isEqualTo("4");
        long positivePairs = KaggleCsv.readAll(sample.resolve("train.csv")).size();
        assertThat(Double.parseDouble(score.group(4))).isCloseTo(1.0 - positivePairs / 64.0, org.assertj.core.data.Offset.offset(0.00006));
        double meanDice = Double.parseDouble(score.group(1));
        assertThat(meanDice).isBetween(0.0, 1.0);
        Matcher perClass = Pattern.compile("(?m)^  class (\\d): Dice ([\\d.]+)$").matcher(out);
        double sum = 0;
        int classes = 0;
        while (perClass.find()) {
            sum += Double.parseDouble(perClass.group(2));
            classes++;
        }
        assertThat(classes).isEqualTo(4);
        assertThat(sum / 4).isCloseTo(meanDice, org.assertj.core.data.Offset.offset(0.0002));

        // The terminal is for a person: the services' log lines went to the log file in the data folder, not to stdout or stderr.
        Path logFile = dataDir.resolve("state").resolve(DemoCommand.LOG_FILE);
        assertThat(out).contains("logs in " + logFile);
        assertThat(Files.readString(logFile)).contains("Kafka (KRaft, in-process) ready", "coil-analytics started");
        Pattern logLine = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} |\\b(INFO|WARN) ");
        assertThat(logLine.matcher(out).find()).as("log lines on stdout:\n" + out).isFalse();
        String err = Files.readString(dataDir.resolve("demo-log.txt"));
        assertThat(logLine.matcher(err).find()).as("log lines on stderr:\n" + err).isFalse();

        // Nothing left running: no registry child of the demo's JVM.
        long demoPid = demo.pid();
        Thread.sleep(2_000);
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("kill -0 " + demoPid + " ")).count())
                .as("watchdog or registry processes of the demo still running").isZero();
        System.out.printf(Locale.ROOT, "demo --once: mean Dice %.4f (baseline %s)%n", meanDice, score.group(4));
    }

    @Test
    void aSecondRunOnTheSameDataDirCountsAndScoresOnlyItsOwnImages() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Pattern summary = Pattern.compile("Per-coil summary \\((\\d+) images, (\\d+) defective, (\\d+) segmented\\)");
        Pattern score = Pattern.compile("Kaggle mean Dice against .*: ([\\d.]+) over (\\d+) images");
        List<String> scores = new ArrayList<>();
        for (int run = 1; run <= 2; run++) {
            String out = demoOnce("--dataset", sample.toString(), "--coils", "2", "--rate", "8").out();
            Matcher images = summary.matcher(out);
            assertThat(images.find()).as(out).isTrue();
            assertThat(Integer.parseInt(images.group(1))).as("run %d counts its own images only", run).isEqualTo(16 + RollMarkCoil.IMAGES);
            Matcher dice = score.matcher(out);
            assertThat(dice.find()).as(out).isTrue();
            assertThat(dice.group(2)).isEqualTo("16");
            scores.add(dice.group(1));
        }
        assertThat(scores.get(1)).as("the same models on the same images").isEqualTo(scores.get(0));
    }

    @Test
    void theMagneticTileLineStreamsTheTestPartOfItsSplitWithItsOwnTaxonomyAndImageSizes() throws Exception {
        Path tiles = SharedData.require("magnetic-tile");
        List<String> testIds = Files.readAllLines(ROOT.resolve("models/splits/magnetic-tile/test.txt"));
        String out = demoOnce("--line", "magnetic-tile", "--coils", "2", "--rate", "8").out();

        assertThat(out).containsPattern(testIds.size() + " images from \\S*magnetic-tile \\(listed in models/splits/magnetic-tile/test.txt\\)");
        Matcher summary = Pattern.compile("Per-coil summary \\((\\d+) images, (\\d+) defective, (\\d+) segmented\\)").matcher(out);
        assertThat(summary.find()).as(out).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).isEqualTo(testIds.size());
        assertThat(summary.group(3)).isEqualTo(summary.group(2));
        // Most tiles are defect-free, and the classifier passes most of them.
        assertThat(Integer.parseInt(summary.group(2))).isLessThan(testIds.size() / 2);
        Matcher score = Pattern.compile("Kaggle mean Dice against (.*): ([\\d.]+) over (\\d+) images x (\\d+) classes "
                + "\\(predict-nothing baseline: ([\\d.]+)\\)").matcher(out);
        assertThat(score.find()).as(out).isTrue();
        assertThat(score.group(1)).endsWith("masks");
        assertThat(score.group(3)).isEqualTo(String.valueOf(testIds.size()));
        assertThat(score.group(4)).isEqualTo("5");
        long defectiveTiles = testIds.stream().filter(id -> !id.startsWith("free_")).count();
        // Each defective tile has one class: its pair is positive, its four other pairs empty; 3 uneven tiles have empty masks.
        assertThat(Double.parseDouble(score.group(5))).isCloseTo(1.0 - (defectiveTiles - countEmptyUneven(tiles, testIds)) / (5.0 * testIds.size()),
                org.assertj.core.data.Offset.offset(0.00006));
        // Graded as tiles, not as steel strip: none of the strip's rules (its classes 3 and 4 are other defects, its edges 1.6 m apart).
        assertThat(out).contains("Coil grades").doesNotContain("class-4-area").doesNotContain("class-3-area").doesNotContain("edge-defects");
        System.out.printf(Locale.ROOT, "demo --once --line magnetic-tile: mean Dice %s (baseline %s)%n", score.group(2), score.group(5));
    }

    /** Test tiles named uneven_* whose label mask is empty. */
    private static long countEmptyUneven(Path tiles, List<String> ids) {
        var data = dev.coilsight.core.dataset.Datasets.open(tiles, Optional.of(ROOT.resolve("models/splits/magnetic-tile/test.txt")));
        var decoder = new dev.coilsight.core.image.ImageDecoder();
        return data.imageIds().stream()
                .filter(id -> id.startsWith("uneven_"))
                .filter(id -> {
                    var header = decoder.readHeader(data.imagePath(id));
                    return data.masks(id, header.height(), header.width()).values().stream().allMatch(m -> m.pixelCount() == 0);
                })
                .count();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
