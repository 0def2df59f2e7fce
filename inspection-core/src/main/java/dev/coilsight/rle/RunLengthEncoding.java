package dev.coilsight.rle;

import java.util.Arrays;

/**
 * The Kaggle Severstal run-length encoding: space-separated {@code start length} pairs, pixels
 * numbered from 1 top to bottom then left to right (column-major), runs sorted and not
 * overlapping. Decoding then encoding a valid RLE returns the same string (touching runs are the
 * one exception: the encoder writes them as one run, as every Kaggle encoder does).
 */
public final class RunLengthEncoding {

    private RunLengthEncoding() {
    }

    /** Encodes a mask; an empty mask gives the empty string. */
    public static String encode(BinaryMask mask) {
        return encodeColumnMajor(mask.columnMajor());
    }

    /** Encodes column-major mask bytes (0 = off) in one pass. */
    public static String encodeColumnMajor(byte[] pixels) {
        return runsOfColumnMajor(pixels).toRle();
    }

    /** Runs of a mask (the encoder's view) without building a string. */
    public static Runs runsOf(BinaryMask mask) {
        return runsOfColumnMajor(mask.columnMajor());
    }

    private static Runs runsOfColumnMajor(byte[] pixels) {
        int[] starts = new int[16];
        int[] lengths = new int[16];
        int count = 0;
        int i = 0;
        while (i < pixels.length) {
            if (pixels[i] == 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < pixels.length && pixels[i] != 0) {
                i++;
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            starts[count] = start + 1;
            lengths[count] = i - start;
            count++;
        }
        return Runs.of(starts, lengths, count);
    }

    /**
     * Decodes an RLE into a {@code height x width} mask.
     *
     * @throws RleFormatException naming the pair that is wrong
     */
    public static BinaryMask decode(String rle, int height, int width) {
        BinaryMask mask = new BinaryMask(height, width);
        Runs runs = Runs.parse(rle, (long) height * width);
        byte[] pixels = mask.columnMajor();
        for (int r = 0; r < runs.count(); r++) {
            int from = runs.start(r) - 1;
            Arrays.fill(pixels, from, from + runs.length(r), (byte) 1);
        }
        return mask;
    }

    /** Checks an RLE against a mask size without decoding it. */
    public static Runs validate(String rle, int height, int width) {
        return Runs.parse(rle, (long) height * width);
    }
}
