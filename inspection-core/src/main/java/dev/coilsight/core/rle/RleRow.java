package dev.coilsight.core.rle;

/** One (image, defect class) mask in a Kaggle CSV; {@code line} is its 1-based line in the file (0 if not from a file). */
public record RleRow(String imageId, int classId, String rle, long line) {

    public RleRow(String imageId, int classId, String rle) {
        this(imageId, classId, rle, 0);
    }
}
