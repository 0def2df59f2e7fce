package dev.coilsight.trainer.evaluate;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.coilsight.cli.JsonOrText;
import dev.coilsight.cli.ManifestVersion;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.scoring.GroundTruth;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.scoring.KaggleScorer;
import dev.coilsight.core.scoring.ScoreReport;
import dev.coilsight.core.rle.RleRow;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight score}: the Kaggle Severstal metric of predicted masks against ground truth. */
@Command(name = "score", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = {
                "Scores predicted masks against ground truth with the Kaggle Severstal metric: the mean Dice over every"
                        + " (image, class) pair of the image set, where a pair with neither truth nor prediction scores 1.",
                "",
                "Both CSVs may use either Kaggle layout (ImageId,ClassId,EncodedPixels or ImageId_ClassId,EncodedPixels);"
                        + " an image without rows has no defect. Rows naming images outside the set are counted"
                        + " (unknownImages), not scored.",
                "",
                "The truth is read as ./coilsight evaluate reads a data set's train.csv: a malformed row, or one of a class"
                        + " outside 1..--classes, is named and left out; several rows of one (image, class) are one mask,"
                        + " their union. The predictions are held to the submission rules: a malformed row, or two masks for"
                        + " one (image, class), is refused.",
                "",
                "--images lists the folder as predict and evaluate do: hidden files (.name) are left out, other files that"
                        + " are not PNG or JPEG by content are skipped and named.",
                "",
                "Exit code 0 on success, 1 when a file of --images could not be read (named; it may be an image, and is"
                        + " left out of the score), 2 on bad input (missing file, bad CSV, invalid RLE, bad option).",
                ""},
        sortOptions = false)
public final class ScoreCommand implements Callable<Integer> {

    /** Truth problems and merged pairs named one by one, at most; the rest are counted. */
    private static final int MAX_NAMED = 20;

    @Option(names = "--truth", required = true, paramLabel = "CSV", description = "Ground-truth CSV (e.g. train.csv).")
    Path truth;

    @Option(names = "--predictions", required = true, paramLabel = "CSV", description = "Predicted masks CSV.")
    Path predictions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ImageSource images;

    static final class ImageSource {
        @Option(names = "--images", paramLabel = "DIR",
                description = "Folder of the images scored: every PNG/JPEG in it (by content) but hidden files, as predict and evaluate"
                        + " list it; sizes read from the headers.")
        Path directory;

        @Option(names = "--image-list", paramLabel = "FILE",
                description = "File with one ImageId per line; all images are --height x --width.")
        Path list;
    }

    @Option(names = "--height", defaultValue = "256", paramLabel = "PX", description = "Image height with --image-list (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--width", defaultValue = "1600", paramLabel = "PX", description = "Image width with --image-list (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--classes", defaultValue = "4", paramLabel = "N", description = "Number of defect classes, ids 1..N (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--json", description = "Print one JSON object (meanDice, pairs, perClassDice, counts) instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ImageSet imageSet = images.directory != null ? ImageSet.fromDirectory(images.directory)
                : ImageSet.fromList(images.list, new ImageSet.Size(height, width));
        if (imageSet.size() == 0) {
            throw new IllegalArgumentException("no images to score in "
                    + (images.directory != null ? images.directory : images.list));
        }
        // Truth as evaluate reads it (bad rows said and left out, rows of one pair merged); predictions as Kaggle would.
        GroundTruth truthIndex = GroundTruth.read(truth).limitedTo(classes);
        List<RleRow> predictedRows = KaggleCsv.readAll(predictions);
        ScoreReport report = new KaggleScorer(classes).score(imageSet, truthIndex, predictedRows, predictions.toString());
        JsonOrText.print(spec.commandLine().getOut(), json, report.toJson(), report.toText());
        PrintWriter err = spec.commandLine().getErr();
        imageSet.skippedFiles().stream().filter(skipped -> !imageSet.unreadableFiles().contains(skipped))
                .forEach(skipped -> err.println("score: skipped " + skipped));
        imageSet.unreadableFiles().forEach(unreadable -> err.println("score: could not read " + unreadable));
        List<String> problems = truthIndex.problems();
        if (!problems.isEmpty()) {
            err.println("score: warning: " + problems.size() + " truth row(s) could not be used and are left out, as evaluate"
                    + " leaves them out:");
            problems.stream().limit(MAX_NAMED).forEach(problem -> err.println("score:   " + problem));
            if (problems.size() > MAX_NAMED) {
                err.println("score:   ... and " + (problems.size() - MAX_NAMED) + " more");
            }
        }
        List<String> merged = truthIndex.mergedPairs();
        if (!merged.isEmpty()) {
            err.println("score: note: " + merged.size() + " (image, class) pair(s) have several truth rows, scored as one mask"
                    + " (their union), as evaluate scores them: " + String.join("; ", merged.subList(0, Math.min(MAX_NAMED, merged.size())))
                    + (merged.size() > MAX_NAMED ? "; ..." : ""));
        }
        if (json && report.unknownImages() > 0) {
            // The table carries this warning itself; JSON readers get it on stderr too.
            err.println("score: warning: " + report.unknownImages() + " image(s) named in the CSVs are outside the image set"
                    + " and were not scored");
        }
        err.flush();
        // As predict: a file that could not be read may be an image, so the score may not be over the whole folder.
        return imageSet.unreadableFiles().isEmpty() ? 0 : 1;
    }
}
