package dev.coilsight.core.dataset;

import java.nio.file.Path;
import java.util.List;

/** What both layouts share: a root folder, its layout, and the images listed in one sub-folder of it. */
abstract class ImageFolderDataset implements LabeledDataset {

    private final Path root;
    private final DatasetLayout layout;
    private final String imagesFolder;
    private final List<String> imageIds;

    ImageFolderDataset(Path root, DatasetLayout layout, String imagesFolder, List<String> imageIds) {
        this.root = root;
        this.layout = layout;
        this.imagesFolder = imagesFolder;
        this.imageIds = imageIds;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public DatasetLayout layout() {
        return layout;
    }

    @Override
    public List<String> imageIds() {
        return imageIds;
    }

    @Override
    public Path imagePath(String imageId) {
        return root.resolve(imagesFolder).resolve(imageId);
    }
}
