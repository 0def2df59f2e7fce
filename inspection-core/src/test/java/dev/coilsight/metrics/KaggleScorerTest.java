package dev.coilsight.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.rle.KaggleCsv;
import dev.coilsight.rle.RleRow;
import dev.coilsight.rle.Runs;
import dev.coilsight.testsupport.SharedData;
import picocli.CommandLine;

class KaggleScorerTest {

    private static final KaggleScorer SCORER = new KaggleScorer(4);

    /** Runs the CLI the way main does; returns exit code, stdout and stderr. */
    private record Run(int exit, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ScoreCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void truthAgainstItselfScoresExactlyOne() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        List<RleRow> truth = KaggleCsv.readAll(sample.resolve("train.csv"));

        ScoreReport report = SCORER.score(ImageSet.fromDirectory(sample.resolve("train_images")), truth, truth, "t", "p");

        assertThat(report.meanDice()).isEqualTo(1.0);
        assertThat(report.pairs()).isEqualTo(64);
        assertThat(report.perClassDice()).containsOnlyKeys(1, 2, 3, 4).allSatisfy((k, v) -> assertThat(v).isEqualTo(1.0));

        Run run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--images", sample.resolve("train_images").toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("meanDice").asDouble()).isEqualTo(1.0);
        assertThat(json.get("pairs").asLong()).isEqualTo(64);
    }

    @Test
    void anEmptyPredictionScoresTheShareOfEmptyPairs(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "ImageId,ClassId,EncodedPixels\n");

        ScoreReport report = SCORER.score(ImageSet.fromDirectory(sample.resolve("train_images")),
                KaggleCsv.readAll(sample.resolve("train.csv")), List.of(), "t", "p");

        assertThat(report.meanDice()).isEqualTo(50.0 / 64);
        assertThat(report.truthPositivePairs()).isEqualTo(14);
        assertThat(report.falseNegativePairs()).isEqualTo(14);
        assertThat(report.bothEmptyPairs()).isEqualTo(50);
        // Per class: images without that class / 16 (class 1 on 4 images, 2 on 2, 3 on 7, 4 on 1).
        assertThat(report.perClassDice()).isEqualTo(Map.of(1, 12 / 16.0, 2, 14 / 16.0, 3, 9 / 16.0, 4, 15 / 16.0));

        Run run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", empty.toString(),
                "--images", sample.resolve("train_images").toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("meanDice").asDouble()).isEqualTo(0.78125);
        assertThat(json.get("perClassDice").get("3").asDouble()).isEqualTo(0.5625);
    }

    @Test
    void diceByHand() {
        // 4x4 masks: A = pixels 1..3, B = pixels 2..4: |A∩B| = 2, Dice = 4/6.
        assertThat(Dice.dice(Runs.parse("1 3", 16), Runs.parse("2 3", 16))).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(Dice.iou(Runs.parse("1 3", 16), Runs.parse("2 3", 16))).isCloseTo(0.5, within(1e-12));
        assertThat(Dice.dice(Runs.parse("1 3", 16), Runs.parse("10 3", 16))).isZero();
        assertThat(Dice.dice(Runs.empty(), Runs.empty())).isEqualTo(1.0);
        assertThat(Dice.dice(Runs.parse("1 3", 16), Runs.empty())).isZero();
        assertThat(Dice.dice(Runs.empty(), Runs.parse("5 1", 16))).isZero();
    }

    @Test
    void perClassAndMeanByHand() {
        ImageSet images = ImageSet.of(Map.of("a", new ImageSet.Size(4, 4), "b", new ImageSet.Size(4, 4)));
        List<RleRow> truth = List.of(new RleRow("a", 1, "1 3"), new RleRow("b", 2, "1 4"));
        List<RleRow> predicted = List.of(new RleRow("a", 1, "2 3"), new RleRow("b", 1, "9 2"));

        ScoreReport report = new KaggleScorer(2).score(images, truth, predicted, "t", "p");

        // class 1: a = 2/3, b = 0 (false positive) -> 1/3; class 2: a = 1 (both empty), b = 0 (missed) -> 1/2.
        assertThat(report.perClassDice().get(1)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(report.perClassDice().get(2)).isCloseTo(0.5, within(1e-12));
        assertThat(report.meanDice()).isCloseTo((2.0 / 3 + 0 + 1 + 0) / 4, within(1e-12));
        assertThat(report.falsePositivePairs()).isEqualTo(1);
        assertThat(report.falseNegativePairs()).isEqualTo(1);
        assertThat(report.bothPositivePairs()).isEqualTo(1);
    }

    @Test
    void rowsForImagesOutsideTheSetAreCountedNotScored() {
        ImageSet images = ImageSet.of(Map.of("a", new ImageSet.Size(4, 4)));
        ScoreReport report = SCORER.score(images, List.of(new RleRow("zzz", 1, "1 1")),
                List.of(new RleRow("yyy", 1, "1 1"), new RleRow("xxx", 2, "1 1")), "t", "p");

        assertThat(report.meanDice()).isEqualTo(1.0);
        assertThat(report.unknownTruthImages()).isEqualTo(1);
        assertThat(report.unknownPredictionImages()).isEqualTo(2);
        assertThat(report.toText()).contains("rows for images outside the image set were ignored: 1 in truth, 2 in predictions");
    }

    @Test
    void invalidPredictionIsNamedWithFileLineAndPair(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path bad = dir.resolve("pred.csv");
        Files.writeString(bad, "ImageId,ClassId,EncodedPixels\n0030401a5.jpg,1,10 5 12 3\n");

        Run run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", bad.toString(),
                "--images", sample.resolve("train_images").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("score: " + bad + ": line 2 (image 0030401a5.jpg, class 1, 256x1600): "
                + "pair 2 (start 12, length 3): overlaps pair 1 (start 10, length 5, ends at 14)");
        assertThat(run.err()).doesNotContain("Exception");
    }

    @Test
    void duplicateMaskRowsAreRefused() {
        ImageSet images = ImageSet.of(Map.of("a", new ImageSet.Size(4, 4)));
        assertThatThrownBy(() -> SCORER.score(images, List.of(),
                List.of(new RleRow("a", 1, "1 1", 2), new RleRow("a", 1, "3 1", 5)), "t", "pred.csv"))
                .hasMessage("pred.csv: line 5: second mask for image a class 1 (first on line 2)");
    }

    @Test
    void imageListWithGivenSize(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path list = dir.resolve("images.txt");
        try (var files = Files.list(sample.resolve("train_images"))) {
            Files.write(list, files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        Run run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--image-list", list.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("mean Dice 1.00000 over 64 (image, class) pairs");
    }

    @Test
    void missingInputsAreClearErrors(@TempDir Path dir) {
        Run noImages = cli("--truth", "t.csv", "--predictions", "p.csv");
        assertThat(noImages.exit()).isEqualTo(2);
        assertThat(noImages.err()).contains("--images").contains("--image-list");

        Run missingFolder = cli("--truth", "t.csv", "--predictions", "p.csv", "--images", dir.resolve("nope").toString());
        assertThat(missingFolder.exit()).isEqualTo(2);
        assertThat(missingFolder.err()).contains("image folder").contains("does not exist");
    }
}
