package dev.coilsight.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import picocli.CommandLine;

/**
 * A production line the demo can replay: its data set beside the checkout, its default models and, where the models
 * trained on part of the data, the part they never saw. Each line has its own taxonomy and image sizes.
 */
enum DemoLine {

    /** Severstal steel strip: 1600x256 images, 4 defect classes; the models learned from all 68 labelled images. */
    SEVERSTAL("severstal", "severstal-train", "severstal-classifier", "severstal-resunet", null, 1.0, true),
    /** Magnetic tiles: 103-632 px images, 5 defect classes, most images defect-free; replays the test part of its split. */
    MAGNETIC_TILE("magnetic-tile", "magnetic-tile", "magnetic-tile-classifier", "magnetic-tile-resunet", "models/splits/magnetic-tile/test.txt", 4.0,
            false);

    final String id;
    final String dataset;
    final String classifier;
    final String segmenter;
    /** Ids to replay, relative to the checkout; null: every image. */
    final String split;
    /** Images per second two CPU cores keep up with. */
    final double rate;
    /** Whether the product is rolled strip, so that the demo adds a coil marked by a damaged roll. */
    final boolean rolled;

    DemoLine(String id, String dataset, String classifier, String segmenter, String split, double rate, boolean rolled) {
        this.id = id;
        this.dataset = dataset;
        this.classifier = classifier;
        this.segmenter = segmenter;
        this.split = split;
        this.rate = rate;
        this.rolled = rolled;
    }

    Optional<String> split() {
        return Optional.ofNullable(split);
    }

    /** The line's data set in ../shared/data beside the checkout {@code root}. */
    Path sharedDataset(Path root) {
        Path shared = root.resolve("..").resolve("shared").resolve("data").resolve(dataset).normalize();
        if (!Files.isDirectory(shared)) {
            throw new IllegalArgumentException("no dataset given and " + shared + " is absent: pass --dataset PATH, a folder with "
                    + "train_images/ and optionally train.csv (e.g. the Kaggle Severstal download), or images/ + masks/. "
                    + "Image data is never part of the repository.");
        }
        return shared;
    }

    /** A folder given with {@code --dataset}. */
    static Path requireFolder(Path dataset) {
        if (!Files.isDirectory(dataset)) {
            throw new IllegalArgumentException("--dataset " + dataset + " is not a folder");
        }
        return dataset;
    }

    /** A default model folder that holds a card and a SavedModel. */
    static Path requireModel(Path dir) {
        return requireModel(dir, "the default models live in models/ of the checkout; pass --models DIR or rebuild them with "
                + "models/make-defaults.sh");
    }

    /** A model folder that holds a card and a SavedModel; {@code hint} says where it should come from. */
    static Path requireModel(Path dir, String hint) {
        if (!Files.isRegularFile(dir.resolve("model.json")) || !Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException("model " + dir + " is missing (no model.json or saved_model.pb): " + hint);
        }
        return dir;
    }

    /** {@code --line} by its id. */
    static final class Converter implements CommandLine.ITypeConverter<DemoLine> {
        @Override
        public DemoLine convert(String value) {
            return Arrays.stream(values()).filter(l -> l.id.equals(value.trim().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new CommandLine.TypeConversionException("--line must be one of "
                            + Arrays.stream(values()).map(l -> l.id).collect(Collectors.joining(", ")) + ", got '" + value + "'"));
        }
    }
}
