package dev.coilsight.core.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.coilsight.core.image.ImageFolder;

/** Opens a dataset folder, recognising its layout from what it contains. */
public final class Datasets {

    private Datasets() {
    }

    /** Opens {@code root} with all its images, or those of {@code split} when given. */
    public static LabeledDataset open(Path root, Optional<Path> split) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException("dataset folder " + root + " does not exist");
        }
        DatasetLayout layout = detect(root);
        return switch (layout) {
            case SEVERSTAL -> SeverstalDataset.open(root, split);
            case MASK_FOLDER -> MaskFolderDataset.open(root, split);
        };
    }

    public static LabeledDataset open(Path root) {
        return open(root, Optional.empty());
    }

    /** The layout of a folder, or a message saying what each layout needs. */
    public static DatasetLayout detect(Path root) {
        if (Files.isRegularFile(root.resolve(SeverstalDataset.LABELS)) && Files.isDirectory(root.resolve(SeverstalDataset.IMAGES))) {
            return DatasetLayout.SEVERSTAL;
        }
        if (Files.isDirectory(root.resolve(MaskFolderDataset.IMAGES)) && Files.isDirectory(root.resolve(MaskFolderDataset.MASKS))) {
            return DatasetLayout.MASK_FOLDER;
        }
        throw new DatasetException("cannot tell the layout of " + root + ": expected either train.csv + train_images/ "
                + "(Severstal, Kaggle CSV) or images/ + masks/ (label PNGs whose pixel values are class ids)");
    }

    /**
     * Regular files of a folder, sorted by name, hidden files left out: {@link ImageFolder#files}, the listing rule
     * predict and score use, so that evaluate sees the same files.
     */
    static List<Path> files(Path dir) {
        try {
            return ImageFolder.files(dir);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(e.getMessage(), e);
        }
    }
}
