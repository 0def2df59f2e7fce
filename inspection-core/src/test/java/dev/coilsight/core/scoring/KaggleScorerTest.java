package dev.coilsight.core.scoring;

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

import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.testsupport.SharedData;

class KaggleScorerTest {

    private static final KaggleScorer SCORER = new KaggleScorer(4);

    @Test
    void truthAgainstItselfScoresExactlyOne() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        List<RleRow> truth = KaggleCsv.readAll(sample.resolve("train.csv"));

        ScoreReport report = SCORER.score(ImageSet.fromDirectory(sample.resolve("train_images")), truth, truth, "t", "p");

        assertThat(report.meanDice()).isEqualTo(1.0);
        assertThat(report.pairs()).isEqualTo(64);
        assertThat(report.perClassDice()).containsOnlyKeys(1, 2, 3, 4).allSatisfy((k, v) -> assertThat(v).isEqualTo(1.0));
    }

    @Test
    void aShiftedPredictionScoresItsOverlapOnRealMasks() {
        Path sample = SharedData.require("severstal-sample");
        List<RleRow> truth = KaggleCsv.readAll(sample.resolve("train.csv"));
        // Every truth mask moved down one pixel (start + 1, dropping a run that would leave the
        // image): Dice by decoding full masks is the reference for the run-based scorer.
        List<RleRow> shifted = truth.stream().map(r -> new RleRow(r.imageId(), r.classId(), shift(r.rle()))).toList();
        ImageSet images = ImageSet.fromDirectory(sample.resolve("train_images"));

        ScoreReport report = SCORER.score(images, truth, shifted, "t", "p");

        double expected = 50; // the 50 empty/empty pairs
        for (RleRow row : truth) {
            byte[] a = RunLengthEncoding.decode(row.rle(), 256, 1600).columnMajor();
            byte[] b = RunLengthEncoding.decode(shift(row.rle()), 256, 1600).columnMajor();
            long both = 0;
            long sizes = 0;
            for (int i = 0; i < a.length; i++) {
                both += a[i] != 0 && b[i] != 0 ? 1 : 0;
                sizes += (a[i] != 0 ? 1 : 0) + (b[i] != 0 ? 1 : 0);
            }
            expected += 2.0 * both / sizes;
        }
        assertThat(report.meanDice()).isCloseTo(expected / 64, within(1e-12)).isLessThan(1.0).isGreaterThan(0.78125);
    }

    private static String shift(String rle) {
        Runs runs = Runs.parse(rle, 256, 1600);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < runs.count(); i++) {
            int start = runs.start(i) + 1;
            int length = Math.min(runs.length(i), 256 * 1600 - start + 1);
            out.append(i == 0 ? "" : " ").append(start).append(' ').append(length);
        }
        return out.toString();
    }

    @Test
    void diceByHand() {
        // 4x4 masks: A = pixels 1..3, B = pixels 2..4: |A∩B| = 2, Dice = 4/6.
        assertThat(Dice.dice(Runs.parse("1 3", 4, 4), Runs.parse("2 3", 4, 4))).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(Dice.iou(Runs.parse("1 3", 4, 4), Runs.parse("2 3", 4, 4))).isCloseTo(0.5, within(1e-12));
        assertThat(Dice.dice(Runs.parse("1 3", 4, 4), Runs.parse("10 3", 4, 4))).isZero();
        assertThat(Dice.dice(Runs.empty(), Runs.empty())).isEqualTo(1.0);
        assertThat(Dice.dice(Runs.parse("1 3", 4, 4), Runs.empty())).isZero();
        assertThat(Dice.dice(Runs.empty(), Runs.parse("5 1", 4, 4))).isZero();
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
        assertThat(report.unknownImages()).isEqualTo(3);
        assertThat(report.unknownTruthImages()).isEqualTo(1);
        assertThat(report.unknownPredictionImages()).isEqualTo(2);
        assertThat(report.toText()).contains("warning: 3 image(s) named in the CSVs are outside the image set and were not"
                + " scored: 1 in truth, 2 in predictions");
    }

    @Test
    void duplicateMaskRowsAreRefused() {
        ImageSet images = ImageSet.of(Map.of("a", new ImageSet.Size(4, 4)));
        assertThatThrownBy(() -> SCORER.score(images, List.of(),
                List.of(new RleRow("a", 1, "1 1", 2), new RleRow("a", 1, "3 1", 5)), "t", "pred.csv"))
                .hasMessage("pred.csv: line 5: second mask for image a class 1 (first on line 2)");
    }

    @Test
    void truthRowsOfOnePairAreScoredAsOneMaskButPredictionsWithTwoAreStillRefused() {
        ImageSet images = ImageSet.of(Map.of("a", new ImageSet.Size(4, 4)));
        // Truth of class 1 in two rows, pixels 1..3 and 7..8: one mask of 5 pixels, which the prediction matches exactly.
        GroundTruth truth = GroundTruth.of(List.of(new RleRow("a", 1, "1 3", 2), new RleRow("a", 1, "7 2", 3)), "truth.csv");

        ScoreReport report = SCORER.score(images, truth, List.of(new RleRow("a", 1, "1 3 7 2", 2)), "pred.csv");

        assertThat(report.meanDice()).isEqualTo(1.0);
        assertThat(report.truthPositivePairs()).isEqualTo(1);
        assertThatThrownBy(() -> SCORER.score(images, truth,
                List.of(new RleRow("a", 1, "1 3", 2), new RleRow("a", 1, "7 2", 3)), "pred.csv"))
                .hasMessage("pred.csv: line 3: second mask for image a class 1 (first on line 2)");
        assertThatThrownBy(() -> SCORER.score(images, GroundTruth.of(List.of(new RleRow("a", 1, "1 3", 2),
                new RleRow("a", 1, "9 99", 4)), "truth.csv"), List.of(), "pred.csv"))
                .hasMessageStartingWith("truth.csv: line 4 (image a, class 1, 4x4): ");
    }
}
