package dev.coilsight.trainer.data;

/**
 * One decoded training image and its labels, compact in memory: 8-bit pixels (HWC) and one byte
 * per pixel whose bit {@code i} says "output channel i (a defect class) is present here".
 */
public record LabeledImage(String id, int height, int width, int channels, byte[] pixels, byte[] classBits) {

    public LabeledImage {
        if (pixels.length != height * width * channels || classBits.length != height * width) {
            throw new IllegalArgumentException(id + ": pixel or label array does not match " + height + "x" + width + "x" + channels);
        }
    }

    /** Whether any pixel of any class is set. */
    public boolean defective() {
        for (byte b : classBits) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether any pixel inside the window carries a defect. */
    public boolean defectiveIn(int top, int left, int h, int w) {
        for (int r = top; r < top + h; r++) {
            int base = r * width;
            for (int c = left; c < left + w; c++) {
                if (classBits[base + c] != 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
