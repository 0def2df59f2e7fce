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

    /** How a resized image's label pixel comes from the source's. */
    public enum ResizedLabels {
        /**
         * Any class under its footprint in the source, so that a defect smaller than the scale step still marks the image
         * (or window) defective: what a classifier learns from.
         */
        ANY_UNDER,
        /**
         * The classes of at least half the source pixels that read it when a prediction is mapped back to the source size
         * (each source pixel takes the prediction nearest its centre, as the workers and {@code evaluate} do): the target a
         * segmenter can meet at the source size. Any-under would grow every mask by up to a pixel a side, so that even a model
         * that met its targets exactly would score an IoU of 1/3 on a one-pixel line shrunk from 3 rows to 2.
         */
        AS_MAPPED_BACK
    }

    /** This image resized to {@code toHeight x toWidth}: pixels as the serving pre-processing resizes them, labels as {@code labels} says. */
    public LabeledImage resized(int toHeight, int toWidth, ResizedLabels labels) {
        byte[] bits = labels == ResizedLabels.ANY_UNDER ? anyUnder(toHeight, toWidth) : asMappedBack(toHeight, toWidth);
        return new LabeledImage(id, toHeight, toWidth, channels,
                dev.coilsight.core.model.Preprocessor.resize(pixels, height, width, channels, toHeight, toWidth), bits);
    }

    private byte[] anyUnder(int toHeight, int toWidth) {
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
        return bits;
    }

    private byte[] asMappedBack(int toHeight, int toWidth) {
        int[] readers = new int[toHeight * toWidth];
        int[][] withClass = new int[Byte.SIZE][toHeight * toWidth];
        for (int r = 0; r < height; r++) {
            int tr = nearest(r, height, toHeight);
            for (int c = 0; c < width; c++) {
                int t = tr * toWidth + nearest(c, width, toWidth);
                readers[t]++;
                int b = classBits[r * width + c] & 0xff;
                for (int k = 0; b != 0; k++, b >>>= 1) {
                    withClass[k][t] += b & 1;
                }
            }
        }
        byte[] bits = new byte[toHeight * toWidth];
        for (int r = 0; r < toHeight; r++) {
            for (int c = 0; c < toWidth; c++) {
                int t = r * toWidth + c;
                if (readers[t] == 0) { // enlarged: no source pixel reads it; it takes the source pixel at its centre
                    bits[t] = classBits[nearest(r, toHeight, height) * width + nearest(c, toWidth, width)];
                    continue;
                }
                for (int k = 0; k < Byte.SIZE; k++) {
                    if (2 * withClass[k][t] >= readers[t] && withClass[k][t] > 0) {
                        bits[t] |= (byte) (1 << k);
                    }
                }
            }
        }
        return bits;
    }

    /** The index of size {@code to} nearest the centre of index {@code i} of size {@code from}, as predictions are mapped back. */
    private static int nearest(int i, int from, int to) {
        return Math.min(to - 1, (int) ((i + 0.5) * to / from));
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
