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

    /**
     * This image resized to {@code toHeight x toWidth}: pixels as the serving pre-processing resizes them, and each
     * label pixel the union of the classes under its footprint in the source, so that a defect smaller than the
     * scale step still marks the image defective.
     */
    public LabeledImage resized(int toHeight, int toWidth) {
        byte[] bits = new byte[toHeight * toWidth];
        for (int r = 0; r < toHeight; r++) {
            int r0 = (int) ((long) r * height / toHeight);
            int r1 = Math.max(r0 + 1, (int) Math.ceil((double) (r + 1) * height / toHeight));
            for (int c = 0; c < toWidth; c++) {
                int c0 = (int) ((long) c * width / toWidth);
                int c1 = Math.max(c0 + 1, (int) Math.ceil((double) (c + 1) * width / toWidth));
                byte b = 0;
                for (int sr = r0; sr < Math.min(r1, height); sr++) {
                    for (int sc = c0; sc < Math.min(c1, width); sc++) {
                        b |= classBits[sr * width + sc];
                    }
                }
                bits[r * toWidth + c] = b;
            }
        }
        return new LabeledImage(id, toHeight, toWidth, channels,
                dev.coilsight.core.model.Preprocessor.resize(pixels, height, width, channels, toHeight, toWidth), bits);
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
