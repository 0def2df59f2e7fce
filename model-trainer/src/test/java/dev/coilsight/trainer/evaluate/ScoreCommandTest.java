package dev.coilsight.trainer.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.scoring.KaggleScorer;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.scoring.ScoreReport;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestFiles;

class ScoreCommandTest {

    private static final KaggleScorer SCORER = new KaggleScorer(4);

    private static CommandRun cli(String... args) {
        return CommandRun.of(CommandLines.create(new ScoreCommand()), args);
    }

    /** Scores {@code predictions} against the Severstal sample's train.csv on its train_images/, with {@code more} options. */
    private static CommandRun scoreOnSample(Path predictions, String... more) {
        Path sample = SharedData.require("severstal-sample");
        List<String> args = new ArrayList<>(List.of("--truth", sample.resolve("train.csv").toString(), "--predictions", predictions.toString(),
                "--images", sample.resolve("train_images").toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void truthAgainstItselfScoresExactlyOneThroughTheCommand() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        CommandRun run = scoreOnSample(sample.resolve("train.csv"), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("meanDice").asDouble()).isEqualTo(1.0);
        assertThat(json.get("pairs").asLong()).isEqualTo(64);
        assertThat(json.get("images").asInt()).isEqualTo(16);
        assertThat(json.get("truthPositivePairs").asLong()).isEqualTo(14);
        assertThat(json.get("bothPositivePairs").asLong()).isEqualTo(14);
        assertThat(json.get("unknownImages").asInt()).isZero();
        assertThat(json.get("perClassIoU").get("1").asDouble()).isEqualTo(1.0);
        assertThat(run.err()).isEmpty();

        CommandRun text = scoreOnSample(sample.resolve("train.csv"));
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).startsWith("mean Dice 1.00000 over 64 (image, class) pairs (16 images x 4 classes; empty/empty = 1)")
                .contains("pairs: 14 with truth, 14 predicted, 14 both, 0 false positive, 0 false negative, 50 both empty");
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

        CommandRun run = scoreOnSample(empty, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("meanDice").asDouble()).isEqualTo(0.78125);
        assertThat(json.get("pairs").asLong()).isEqualTo(64);
        assertThat(json.get("perClassDice").get("3").asDouble()).isEqualTo(0.5625);
        assertThat(json.get("predictedPositivePairs").asLong()).isZero();
        assertThat(json.get("falseNegativePairs").asLong()).isEqualTo(14);
    }

    @Test
    void invalidPredictionIsNamedWithFileLineAndPair(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("pred.csv");
        Files.writeString(bad, "ImageId,ClassId,EncodedPixels\n0030401a5.jpg,1,10 5 12 3\n");

        CommandRun run = scoreOnSample(bad);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("score: " + bad + ": line 2 (image 0030401a5.jpg, class 1, 256x1600): "
                + "pair 2 (start 12, length 3): overlaps pair 1 (start 10, length 5, ends at 14)");
        assertThat(run.err()).doesNotContain("Exception");
    }

    @Test
    void imageListWithGivenSize(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path list = dir.resolve("images.txt");
        try (var files = Files.list(sample.resolve("train_images"))) {
            Files.write(list, files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        CommandRun run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--image-list", list.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("mean Dice 1.00000 over 64 (image, class) pairs");
    }

    @Test
    void missingInputsAreClearErrors(@TempDir Path dir) {
        CommandRun noImages = cli("--truth", "t.csv", "--predictions", "p.csv");
        assertThat(noImages.exitCode()).isEqualTo(2);
        assertThat(noImages.err()).contains("--images").contains("--image-list");
        assertThat(noImages.err().strip().lines()).as("one line, no usage dump").hasSize(1);

        CommandRun both = cli("--truth", "t.csv", "--predictions", "p.csv", "--images", "d", "--image-list", "l");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");

        CommandRun missingFolder = cli("--truth", "t.csv", "--predictions", "p.csv", "--images", dir.resolve("nope").toString());
        assertThat(missingFolder.exitCode()).isEqualTo(2);
        assertThat(missingFolder.err()).contains("image folder").contains("does not exist");
    }

    @Test
    void missingCsvsAndBadClassesAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path missing = dir.resolve("missing.csv");
        CommandRun noTruth = cli("--truth", missing.toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--images", sample.resolve("train_images").toString());
        assertThat(noTruth.exitCode()).isEqualTo(2);
        assertThat(noTruth.err().strip()).isEqualTo("score: " + missing + ": no such file");

        Path classFive = Files.writeString(dir.resolve("five.csv"), "ImageId,ClassId,EncodedPixels\n0030401a5.jpg,5,1 2\n");
        CommandRun badClass = scoreOnSample(classFive);
        assertThat(badClass.exitCode()).isEqualTo(2);
        assertThat(badClass.err().strip()).isEqualTo("score: " + classFive + ": line 2: class 5 is outside 1..4");

        Path twice = Files.writeString(dir.resolve("twice.csv"),
                "ImageId,ClassId,EncodedPixels\n0030401a5.jpg,1,1 2\n0030401a5.jpg,1,9 2\n");
        CommandRun duplicate = scoreOnSample(twice);
        assertThat(duplicate.err().strip()).isEqualTo("score: " + twice
                + ": line 3: second mask for image 0030401a5.jpg class 1 (first on line 2)");
    }

    @Test
    void unknownImagesAreReportedInTheJsonAndOnStderr(@TempDir Path dir) throws Exception {
        Path predictions = Files.writeString(dir.resolve("pred.csv"),
                "ImageId,ClassId,EncodedPixels\nnot-in-the-set.jpg,1,1 2\n");

        CommandRun run = scoreOnSample(predictions, "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("unknownImages").asInt()).isEqualTo(1);
        assertThat(json.get("unknownPredictionImages").asInt()).isEqualTo(1);
        assertThat(json.get("meanDice").asDouble()).isEqualTo(0.78125);
        assertThat(run.err()).contains("1 image(s) named in the CSVs are outside the image set");
    }

    @Test
    void filesThatAreNotImagesAreSkippedAndSaidSo(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path images = Files.createDirectory(dir.resolve("images"));
        Files.copy(sample.resolve("train_images").resolve("0030401a5.jpg"), images.resolve("0030401a5.jpg"));
        Files.writeString(images.resolve("README.txt"), "not an image");

        ImageSet set = ImageSet.fromDirectory(images);

        assertThat(set.sizes()).containsExactly(Map.entry("0030401a5.jpg", new ImageSet.Size(256, 1600)));
        assertThat(set.skippedFiles()).singleElement().asString().startsWith("README.txt: not a PNG or JPEG image");
        CommandRun run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--images", images.toString(), "--json");
        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("pairs").asLong()).isEqualTo(4);
        assertThat(json.get("meanDice").asDouble()).isEqualTo(1.0);
        // The other 15 images of train.csv are outside this set (11 of them have rows).
        assertThat(json.get("unknownImages").asInt()).isEqualTo(11);
        assertThat(run.err()).contains("score: skipped README.txt");
    }

    @Test
    void aFileThatCannotBeReadIsNamedAndTheExitCodeIsOneAsPredictSays(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path images = Files.createDirectory(dir.resolve("images"));
        Files.copy(sample.resolve("train_images").resolve("0030401a5.jpg"), images.resolve("0030401a5.jpg"));
        TestFiles.unreadable(images.resolve("locked.jpg"));

        CommandRun run = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--images", images.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("score: could not read locked.jpg").doesNotContain("skipped locked.jpg");
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("images").asInt()).isEqualTo(1);
        assertThat(json.get("meanDice").asDouble()).isEqualTo(1.0);
    }

    @Test
    void theTruthIsReadAsEvaluateReadsItABadRowNamedAndLeftOutAndTwoRowsOfOnePairOneMask(@TempDir Path dir) throws Exception {
        Path sample = SharedData.require("severstal-sample");
        List<RleRow> rows = KaggleCsv.readAll(sample.resolve("train.csv"));
        // The first mask written as two rows (its first runs, then the rest) with a malformed row between them.
        RleRow split = rows.get(0);
        String[] values = split.rle().strip().split("\\s+");
        int half = values.length / 4 * 2;
        StringBuilder csv = new StringBuilder("ImageId,ClassId,EncodedPixels\n");
        for (RleRow row : rows.subList(1, rows.size())) {
            csv.append(row.imageId()).append(',').append(row.classId()).append(',').append(row.rle()).append('\n');
        }
        csv.append(split.imageId()).append(',').append(split.classId()).append(',')
                .append(String.join(" ", Arrays.copyOfRange(values, 0, half))).append('\n');
        csv.append("0030401a5.jpg,x,1 1\n");
        csv.append(split.imageId()).append(',').append(split.classId()).append(',')
                .append(String.join(" ", Arrays.copyOfRange(values, half, values.length))).append('\n');
        Path truth = Files.writeString(dir.resolve("truth.csv"), csv);

        CommandRun run = cli("--truth", truth.toString(), "--predictions", sample.resolve("train.csv").toString(),
                "--images", sample.resolve("train_images").toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("meanDice").asDouble()).as("the two rows are the whole mask again").isEqualTo(1.0);
        assertThat(json.get("truthPositivePairs").asLong()).isEqualTo(14);
        assertThat(run.err()).contains("score: warning: 1 truth row(s) could not be used and are left out")
                .contains(truth + ": line " + (rows.size() + 2) + ": ClassId 'x'")
                .contains("score: note: 1 (image, class) pair(s) have several truth rows")
                .contains(split.imageId() + " class " + split.classId() + " (lines " + (rows.size() + 1) + ", " + (rows.size() + 3) + ")");

        // A prediction file with the same rows is still refused, as a Kaggle submission would be.
        CommandRun asPredictions = cli("--truth", sample.resolve("train.csv").toString(), "--predictions", truth.toString(),
                "--images", sample.resolve("train_images").toString());
        assertThat(asPredictions.exitCode()).isEqualTo(2);
        assertThat(asPredictions.err()).contains("ClassId 'x'");
    }
}
