package dev.coilsight.trainer.predict;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight predict}: the masks of a folder of images as a Kaggle submission CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the defect masks of every image in a folder as a Kaggle submission CSV, with the same decoding,",
                "pre-processing and post-processing (per-class threshold, minimum area, RLE) as the segmenter worker;",
                "with --classifier, images the classifier passes as clean get no masks, as in the streaming line.",
                "./coilsight score reads the output. Files that are not PNG or JPEG by content are skipped and named.",
                "Exit code 0 when every image was predicted, 1 when some could not be read, 2 on bad input."})
public final class PredictCommand extends CoilsightCommand {

    /** The two CSV layouts Kaggle used for Severstal. */
    enum Format { NEW, OLD }

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Segmenter model directory (SavedModel + model.json).")
    Path modelDir;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of images (PNG or JPEG, by content).")
    Path imagesDir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV to write.")
    Path out;

    @Option(names = "--format", defaultValue = "new", converter = FormatConverter.class,
            description = {"new: ImageId,ClassId,EncodedPixels, a row per defect found (as train.csv);",
                    "old: ImageId_ClassId,EncodedPixels, a row per image and class, empty where none (default: ${DEFAULT-VALUE})."})
    Format format;

    @Option(names = "--classifier", paramLabel = "DIR", description = "A classifier model directory that gates the segmenter, as in the line.")
    Path classifierDir;

    @Option(names = "--batch", defaultValue = "4", description = "Images of one size per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @CommandLine.Mixin
    PrecisionOption precision;

    /** Case-insensitive {@code new} / {@code old}. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--format must be new or old, got '" + value + "'");
            }
        }
    }

    @Override
    protected int run() throws IOException {
        if (batch < 1) {
            throw badOption("--batch must be >= 1, got " + batch);
        }
        if (!Files.isDirectory(imagesDir)) {
            throw badOption("--images " + imagesDir + " is not a folder");
        }
        ImageSet images = ImageSet.fromDirectory(imagesDir);
        var err = stderr();
        images.skippedFiles().forEach(skipped -> err.println("predict: skipped " + skipped));
        List<Path> files = images.sizes().keySet().stream().map(imagesDir::resolve).toList();

        List<RleRow> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int gated;
        ModelCard card;
        try (LoadedModel segmenter = precision.load(modelDir, stderr());
             LoadedModel classifier = classifierDir == null ? null : precision.load(classifierDir, stderr())) {
            card = segmenter.card();
            int[] clean = {0};
            try (FolderPredictor predictor = newPredictor(segmenter, classifier);
                 ProgressBar bar = new ProgressBar("predicting", files.size(), System.err)) {
                predictor.predict(files, outcome -> {
                    if (outcome.error() != null) {
                        failed.add(outcome.imageId() + ": " + outcome.error());
                    }
                    if (outcome.gatedClean()) {
                        clean[0]++;
                    }
                    rows.addAll(outcome.rows());
                    bar.step();
                });
            }
            gated = clean[0];
        }
        failed.forEach(f -> err.println("predict: could not predict " + f));
        write(rows, images, card);
        stdout().printf("predict: %d images, %d defect masks%s, written to %s (%s layout)%n", files.size() - failed.size(),
                rows.size(), classifierDir == null ? "" : ", " + gated + " passed as clean by the classifier", out,
                format == Format.NEW ? "ImageId,ClassId,EncodedPixels" : "ImageId_ClassId,EncodedPixels");
        return failed.isEmpty() ? 0 : 1;
    }

    private FolderPredictor newPredictor(LoadedModel segmenter, LoadedModel classifier) {
        try {
            return new FolderPredictor(segmenter, classifier, batch);
        } catch (IllegalArgumentException e) {
            throw badOption(e.getMessage());
        }
    }

    private void write(List<RleRow> rows, ImageSet images, ModelCard card) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            if (format == Format.NEW) {
                KaggleCsv.writeImageClass(writer, rows);
            } else {
                int classes = card.classes().stream().mapToInt(ModelCard.ClassSpec::id).max().orElse(1);
                KaggleCsv.writeImageUnderscoreClass(writer, new ArrayList<>(images.sizes().keySet()), rows, classes);
            }
        }
    }
}
