package dev.coilsight.core.mask;

/** One 8-connected blob of mask pixels: its size and bounding box (rows and columns from 0, inclusive). */
public record Component(long pixels, int minRow, int minCol, int maxRow, int maxCol) {

    public int width() {
        return maxCol - minCol + 1;
    }

    public int height() {
        return maxRow - minRow + 1;
    }
}
