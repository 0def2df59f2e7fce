package dev.coilsight.trainer.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.scoring.KaggleScorer;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestFiles;
import dev.coilsight.trainer.evaluate.EvaluateCommand;

/** {@code ./coilsight predict} with the committed Severstal models on the real Severstal sample, scored as Kaggle would. */
class PredictCommandTest {

    @TempDir
    static Path dir;
    static Path sample;
    static Path images;
    static Path segmenter;
    static Path classifier;
    static double evaluatedDice;
    static List<Double> evaluatedIoU;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void evaluateTheDefaultSegmenter() throws Exception {
        sample = SharedData.require("severstal-sample");
        images = sample.resolve("train_images");
        Path models = Path.of(System.getProperty("user.dir")).getParent().resolve("models");
        segmenter = models.resolve("severstal-resunet");
        classifier = models.resolve("severstal-classifier");
        CommandRun evaluated = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", segmenter.toString(), "--dataset", sample.toString(), "--json");
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        Map<String, Object> json = new ObjectMapper().readValue(evaluated.out().trim(), Map.class);
        evaluatedDice = ((Number) json.get("meanDice")).doubleValue();
        // In the card's class order, 1..4.
        evaluatedIoU = ((Map<String, Map<String, Object>>) json.get("perClass")).values().stream()
                .map(c -> ((Number) c.get("iou")).doubleValue()).toList();
    }

    private static double score(Path predictions) {
        return scored(predictions).meanDice();
    }

    private static dev.coilsight.core.scoring.ScoreReport scored(Path predictions) {
        ImageSet set = ImageSet.fromDirectory(images);
        return new KaggleScorer(4).score(set, KaggleCsv.readAll(sample.resolve("train.csv")), KaggleCsv.readAll(predictions),
                "train.csv", predictions.toString());
    }

    @Test
    void predictThenScoreGivesExactlyTheDiceEvaluateReports() {
        Path csv = dir.resolve("new.csv");
        CommandRun run = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--images", images.toString(), "--out", csv.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("predict: 16 images").contains("ImageId,ClassId,EncodedPixels");
        assertThat(score(csv)).isEqualTo(evaluatedDice);
        assertThat(scored(csv).perClassIoU().values()).as("per-class IoU, over every pixel in both").hasSize(4)
                .containsExactlyElementsOf(evaluatedIoU);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHandWrittenCardWhoseClassesAreNotInIdOrderIsScoredInItsChannelOrderByEvaluateAsByPredict() throws Exception {
        // The same network, its last two channels named class 4 and class 3: evaluate must compare each channel with the
        // truth of the class the card names for it, as predict writes it.
        Path relabelled = TestFiles.copyTree(segmenter, dir.resolve("relabelled"));
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode card = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                relabelled.resolve("model.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) card.get("classes").get(2)).put("id", 4).put("name", "class 4");
        ((com.fasterxml.jackson.databind.node.ObjectNode) card.get("classes").get(3)).put("id", 3).put("name", "class 3");
        json.writeValue(relabelled.resolve("model.json").toFile(), card);

        CommandRun evaluated = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", relabelled.toString(), "--dataset",
                sample.toString(), "--json");
        Path csv = dir.resolve("relabelled.csv");
        CommandRun predicted = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", relabelled.toString(), "--images",
                images.toString(), "--out", csv.toString());

        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(predicted.exitCode()).as(predicted.err()).isZero();
        double dice = ((Number) json.readValue(evaluated.out().trim(), Map.class).get("meanDice")).doubleValue();
        assertThat(score(csv)).isEqualTo(dice).isNotEqualTo(evaluatedDice);
    }

    @Test
    void theOldLayoutHasARowPerImageAndClassAndScoresTheSame() throws Exception {
        Path csv = dir.resolve("old.csv");
        CommandRun run = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--images", images.toString(), "--out", csv.toString(),
                "--format", "old");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("ImageId_ClassId,EncodedPixels");
        assertThat(lines).hasSize(1 + 16 * 4);
        assertThat(score(csv)).isEqualTo(evaluatedDice);
    }

    @Test
    void aClassifierGateLeavesTheImagesItPassesAsCleanWithoutMasks() throws Exception {
        Path gated = dir.resolve("gated.csv");
        Path ungated = dir.resolve("ungated.csv");
        CommandRun run = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--classifier", classifier.toString(),
                "--images", images.toString(), "--out", gated.toString());
        CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--images", images.toString(), "--out", ungated.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        int clean = Integer.parseInt(run.out().replaceAll("(?s).*, (\\d+) passed as clean by the classifier.*", "$1"));
        // Which images the classifier passes, asked of the classifier alone (its decision as the workers take it).
        Set<String> passed = new java.util.TreeSet<>();
        try (var cls = dev.coilsight.core.model.LoadedModel.load(classifier); var session = cls.newSession()) {
            var decision = new dev.coilsight.core.model.ClassifierDecision(cls.card());
            for (Path file : dev.coilsight.core.image.ImageFolder.files(images)) {
                var image = new dev.coilsight.core.image.ImageDecoder().decode(file,
                        dev.coilsight.core.image.ColorMode.forChannels(cls.card().input().channels()));
                if (!decision.defective(decision.classify(session, image, 4))) {
                    passed.add(file.getFileName().toString());
                }
            }
        }
        assertThat(passed).as("the classifier passes some of these images, or the gate goes untested").hasSize(clean).isNotEmpty();
        List<RleRow> gatedRows = KaggleCsv.readAll(gated);
        List<RleRow> ungatedRows = KaggleCsv.readAll(ungated);
        assertThat(ungatedRows).as("ungated, the segmenter marks some of the images the gate passes")
                .anyMatch(row -> passed.contains(row.imageId()));
        assertThat(gatedRows).as("no masks for an image the gate passed").noneMatch(row -> passed.contains(row.imageId()));
        // Every other image keeps exactly the segmenter's own masks (rows compared without their line numbers).
        assertThat(gatedRows.stream().map(r -> r.imageId() + " " + r.classId() + " " + r.rle()).toList())
                .containsExactlyInAnyOrderElementsOf(ungatedRows.stream().filter(r -> !passed.contains(r.imageId()))
                        .map(r -> r.imageId() + " " + r.classId() + " " + r.rle()).toList());
    }

    @Test
    void badInputIsNamedOnOneLineWithExitCodeTwoAndUnreadableFilesAreSkippedByName() throws Exception {
        CommandRun classifierAsModel = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", classifier.toString(), "--images", images.toString(),
                "--out", dir.resolve("x.csv").toString());
        assertThat(classifierAsModel.exitCode()).isEqualTo(2);
        assertThat(classifierAsModel.err()).contains("--model takes a segmenter");

        CommandRun noFolder = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--images", dir.resolve("nope").toString(),
                "--out", dir.resolve("y.csv").toString());
        assertThat(noFolder.exitCode()).isEqualTo(2);
        assertThat(noFolder.err()).contains("nope").contains("is not a folder");

        CommandRun badFormat = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--images", images.toString(),
                "--out", dir.resolve("z.csv").toString(), "--format", "csv2");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--format must be new or old");

        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.copy(images.resolve("0030401a5.jpg"), mixed.resolve("0030401a5.jpg"));
        Files.writeString(mixed.resolve("notes.txt"), "not an image");
        CommandRun skipped = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--images", mixed.toString(),
                "--out", dir.resolve("mixed.csv").toString());
        assertThat(skipped.exitCode()).as(skipped.err()).isZero();
        assertThat(skipped.err()).contains("skipped notes.txt");
        assertThat(skipped.out()).contains("predict: 1 images");

        // An image smaller than the classifier's 256x256 window fails alone, as a worker dead-letters it; the rest is written.
        Path small = Files.createDirectories(dir.resolve("small"));
        Files.copy(images.resolve("0030401a5.jpg"), small.resolve("0030401a5.jpg"));
        java.awt.image.BufferedImage whole = javax.imageio.ImageIO.read(images.resolve("0030401a5.jpg").toFile());
        javax.imageio.ImageIO.write(whole.getSubimage(0, 0, 200, 200), "png", small.resolve("crop.png").toFile());
        CommandRun gated = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--classifier",
                classifier.toString(), "--images", small.toString(), "--out", dir.resolve("small.csv").toString());
        assertThat(gated.exitCode()).as(gated.err()).isEqualTo(1);
        assertThat(gated.err()).contains("could not predict crop.png").contains("window");
        assertThat(gated.out()).contains("predict: 1 images");
        assertThat(KaggleCsv.readAll(dir.resolve("small.csv"))).noneMatch(row -> row.imageId().equals("crop.png"));

        // In the old layout too the failed image gets no rows: empty ones would read as "no defect".
        Path oldLayout = dir.resolve("small-old.csv");
        CommandRun gatedOld = CommandRun.of(CommandLines.create(new PredictCommand()), "--model", segmenter.toString(), "--classifier",
                classifier.toString(), "--images", small.toString(), "--out", oldLayout.toString(), "--format", "old");
        assertThat(gatedOld.exitCode()).as(gatedOld.err()).isEqualTo(1);
        assertThat(gatedOld.err()).contains("could not predict crop.png");
        assertThat(Files.readAllLines(oldLayout)).hasSize(1 + 4).noneMatch(line -> line.startsWith("crop.png"))
                .filteredOn(line -> line.startsWith("0030401a5.jpg_")).hasSize(4);
    }

    @Test
    void anImageNameThatCannotBeOneCsvCellIsRefusedBeforeAnyWorkAndAnExistingOutputStaysAsItWas() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("comma"));
        writeSmallPng(folder.resolve("a,b.png"));
        String before = "ImageId,ClassId,EncodedPixels\nkept.jpg,1,1 2\n";
        Path csv = Files.writeString(dir.resolve("comma.csv"), before);

        for (String format : List.of("new", "old")) {
            CommandRun run = predict("--images", folder.toString(), "--out", csv.toString(), "--format", format);

            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).contains("'a,b.png'").contains("comma");
            assertThat(Files.readString(csv)).as(format).isEqualTo(before);
        }
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeAnyWork() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("one"));
        Files.copy(images.resolve("0030401a5.jpg"), folder.resolve("0030401a5.jpg"));
        Path aFolder = Files.createDirectories(dir.resolve("out-is-a-folder.csv"));

        CommandRun run = predict("--images", folder.toString(), "--out", aFolder.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().contains("--out " + aFolder + " is a folder");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void imageNamesTheCsvReaderWouldReadBackChangedAreRefusedByName() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("odd-names"));
        writeSmallPng(folder.resolve(" lead.png"));
        writeSmallPng(folder.resolve("q\"uote.png"));
        Path csv = dir.resolve("odd-names.csv");

        CommandRun run = predict("--images", folder.toString(), "--out", csv.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("' lead.png'").contains("whitespace").contains("'q\"uote.png'").contains("quote");
        assertThat(csv).doesNotExist();
    }

    @Test
    void aFileThatCannotBeReadFailsAloneWithExitCodeOne() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("locked"));
        Files.copy(images.resolve("0030401a5.jpg"), folder.resolve("0030401a5.jpg"));
        dev.coilsight.testsupport.TestFiles.unreadable(folder.resolve("locked.jpg"));
        Path csv = dir.resolve("locked.csv");

        CommandRun run = predict("--images", folder.toString(), "--out", csv.toString(), "--format", "old");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("could not read locked.jpg");
        assertThat(run.out()).contains("predict: 1 images");
        assertThat(Files.readAllLines(csv)).hasSize(1 + 4).noneMatch(line -> line.startsWith("locked.jpg"));
    }

    private static CommandRun predict(String... args) {
        List<String> all = new ArrayList<>(List.of("--model", segmenter.toString()));
        all.addAll(List.of(args));
        return CommandRun.of(CommandLines.create(new PredictCommand()), all.toArray(String[]::new));
    }

    /** A valid 200x200 PNG cut from a sample image. */
    private static void writeSmallPng(Path file) throws java.io.IOException {
        java.awt.image.BufferedImage whole = javax.imageio.ImageIO.read(images.resolve("0030401a5.jpg").toFile());
        javax.imageio.ImageIO.write(whole.getSubimage(0, 0, 200, 200), "png", file.toFile());
    }
}
