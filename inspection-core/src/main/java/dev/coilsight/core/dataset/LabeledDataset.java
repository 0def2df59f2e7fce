package dev.coilsight.core.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import dev.coilsight.core.rle.BinaryMask;

/** Labelled images in one of the {@link DatasetLayout layouts}, read one image at a time. */
public interface LabeledDataset {

    Path root();

    DatasetLayout layout();

    /** The images in use (all, or those of the split list), in a stable order. */
    List<String> imageIds();

    Path imagePath(String imageId);

    /** Class ids and names known before reading masks (may be empty for a mask folder without classes.txt). */
    SortedMap<Integer, String> classNames();

    /**
     * The non-empty mask of every class present on the image; an empty map for a defect-free image.
     *
     * @throws DatasetException when the label is missing, unreadable or does not fit the image
     */
    Map<Integer, BinaryMask> masks(String imageId, int height, int width);

    /** Problems found in the labels while opening (malformed rows, rows for missing images); never fatal. */
    List<String> labelProblems();
}
