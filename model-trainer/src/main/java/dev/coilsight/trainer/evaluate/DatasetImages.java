package dev.coilsight.trainer.evaluate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import dev.coilsight.core.dataset.DatasetLayout;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.image.ImageFolder;
import dev.coilsight.core.rle.BinaryMask;

/**
 * The images of a data set as {@code predict} and {@code score} see the same folder: its files sorted into images and
 * skipped files by {@link ImageFolder#images(List)}, the one rule all three share (hidden files are already left out
 * of the data set's listing, by {@link ImageFolder#files}). A file that is not a PNG or JPEG (a {@code Thumbs.db}, a
 * {@code notes.txt}) is skipped and named rather than refused, as predict and score skip it; one that cannot be read is
 * skipped and named as unreadable.
 */
final class DatasetImages {

    /** The data set restricted to its images, and what the listing made of its files. */
    record Listed(LabeledDataset dataset, ImageFolder.Listing listing) {
    }

    private DatasetImages() {
    }

    /** {@code data} with only the files that are images by {@link ImageFolder}'s rule, in the same order. */
    static Listed of(LabeledDataset data) {
        ImageFolder.Listing listing = ImageFolder.images(data.imageIds().stream().map(data::imagePath).toList());
        List<String> images = listing.names();
        LabeledDataset restricted = images.equals(data.imageIds()) ? data : new Restricted(data, images);
        return new Listed(restricted, listing);
    }

    /** A data set with fewer image ids; everything else is the original's. */
    private static final class Restricted implements LabeledDataset {

        private final LabeledDataset data;
        private final List<String> imageIds;

        Restricted(LabeledDataset data, List<String> imageIds) {
            this.data = data;
            this.imageIds = List.copyOf(imageIds);
        }

        @Override
        public Path root() {
            return data.root();
        }

        @Override
        public DatasetLayout layout() {
            return data.layout();
        }

        @Override
        public List<String> imageIds() {
            return imageIds;
        }

        @Override
        public Path imagePath(String imageId) {
            return data.imagePath(imageId);
        }

        @Override
        public SortedMap<Integer, String> classNames() {
            return data.classNames();
        }

        @Override
        public Map<Integer, BinaryMask> masks(String imageId, int height, int width) {
            return data.masks(imageId, height, width);
        }

        @Override
        public List<String> labelProblems() {
            return data.labelProblems();
        }
    }
}
