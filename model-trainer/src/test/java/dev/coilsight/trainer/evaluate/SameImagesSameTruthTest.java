package dev.coilsight.trainer.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.core.scoring.GroundTruth;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestFiles;
import dev.coilsight.trainer.predict.PredictCommand;

/**
 * {@code evaluate} and {@code predict} + {@code score} on one folder that holds what real folders hold besides images: a
 * hidden file that is a valid image ({@code .x.png}), a file that is no image ({@code notes.txt}), one that cannot be
 * read, and a {@code train.csv} with a malformed row and a mask written as two rows. They must see the same 16 images and
 * the same truth, so that predict then score gives exactly the mean Dice evaluate reports.
 */
class SameImagesSameTruthTest {

    private static final int HEIGHT = 256;
    private static final int WIDTH = 1600;

    @TempDir
    static Path dir;
    static Path dataset;
    static Path images;
    static Path truth;

    @BeforeAll
    static void aSampleWithStrayFilesAndUntidyLabels() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        dataset = dir.resolve("untidy");
        images = TestFiles.copyTree(sample.resolve("train_images"), dataset.resolve("train_images"));
        BufferedImage picture = ImageIO.read(images.resolve("000789191.jpg").toFile());
        ImageIO.write(picture, "png", images.resolve(".x.png").toFile());
        Files.writeString(images.resolve("notes.txt"), "not an image");
        TestFiles.unreadable(images.resolve("locked.jpg"));
        // Line 2 of the sample is 0030401a5.jpg's class 4; a second row adds the first 500 pixels to that mask.
        String rows = Files.readString(sample.resolve("train.csv"));
        truth = Files.writeString(dataset.resolve("train.csv"), rows + "0030401a5.jpg,x,1 1\n0030401a5.jpg,4,1 500\n");
    }

    @Test
    void evaluateListsTheImagesAndReadsTheTruthThroughTheFunctionsScoreUses() {
        LabeledDataset opened = Datasets.open(dataset);
        DatasetImages.Listed listed = DatasetImages.of(opened);
        ImageSet scored = ImageSet.fromDirectory(images);

        assertThat(listed.dataset().imageIds()).hasSize(16).doesNotContain(".x.png", "notes.txt", "locked.jpg")
                .containsExactlyElementsOf(scored.sizes().keySet());
        assertThat(listed.listing().skipped()).containsExactlyElementsOf(scored.skippedFiles()).hasSize(2);
        assertThat(listed.listing().unreadable()).containsExactlyElementsOf(scored.unreadableFiles()).singleElement()
                .asString().startsWith("locked.jpg: ");
        assertThat(listed.listing().notImages()).singleElement().asString().startsWith("notes.txt: ");

        GroundTruth read = GroundTruth.read(truth);
        assertThat(opened.labelProblems()).containsExactlyElementsOf(read.problems()).singleElement().asString()
                .contains("ClassId 'x'");
        assertThat(read.mergedPairs()).singleElement().asString().startsWith("0030401a5.jpg class 4 (lines 2, ");
        for (String id : listed.dataset().imageIds()) {
            Map<Integer, BinaryMask> masks = listed.dataset().masks(id, HEIGHT, WIDTH);
            for (int classId = 1; classId <= 4; classId++) {
                Runs runs = read.runs(id, classId, HEIGHT, WIDTH);
                assertThat(masks.get(classId)).as(id + " class " + classId)
                        .isEqualTo(runs.isEmpty() ? null : RunLengthEncoding.expand(runs, HEIGHT, WIDTH));
            }
        }
        Runs merged = read.runs("0030401a5.jpg", 4, HEIGHT, WIDTH);
        assertThat(merged.pixelCount()).as("the union is larger than the first row alone")
                .isGreaterThan(Runs.parse(read.byClass("0030401a5.jpg").get(4).get(0).rle(), HEIGHT, WIDTH).pixelCount());
    }

    @Test
    void predictThenScoreGivesExactlyTheMeanDiceEvaluateReports() throws Exception {
        Path model = Path.of(System.getProperty("user.dir")).getParent().resolve("models").resolve("severstal-resunet");
        ObjectMapper json = new ObjectMapper();

        CommandRun evaluated = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", model.toString(),
                "--dataset", dataset.toString(), "--json");
        Path predictions = dir.resolve("predictions.csv");
        CommandRun predicted = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", model.toString(),
                "--images", images.toString(), "--out", predictions.toString());
        CommandRun scored = CommandRun.of(CommandLines.create(new ScoreCommand()), "--truth", truth.toString(),
                "--predictions", predictions.toString(), "--images", images.toString(), "--json");

        // The unreadable file makes each of them exit with 1, having named it; the stray files are skipped and named.
        for (CommandRun run : List.of(evaluated, predicted, scored)) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.err()).contains("could not read locked.jpg").contains("skipped notes.txt").doesNotContain(".x.png");
        }
        assertThat(predicted.out()).contains("predict: 16 images");
        JsonNode score = json.readTree(scored.out());
        assertThat(score.get("images").asInt()).isEqualTo(16);
        assertThat(score.get("pairs").asLong()).isEqualTo(64);
        assertThat(scored.err()).contains("1 truth row(s) could not be used").contains("0030401a5.jpg class 4");
        double evaluatedDice = json.readTree(evaluated.out().trim()).get("meanDice").asDouble();
        assertThat(score.get("meanDice").asDouble()).isEqualTo(evaluatedDice);
    }
}
