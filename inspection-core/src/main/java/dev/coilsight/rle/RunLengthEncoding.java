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

    /** Encodes column-major mask bytes (0 = off); one pass, no per-pixel allocation. */
    public static String encodeColumnMajor(byte[] pixels) {
        // Worst case (alternating pixels) is about n/2 runs of up to 2 x 10 digits + 2 spaces each.
        char[] out = new char[64];
        int pos = 0;
        int n = pixels.length;
        int i = 0;
        while (i < n) {
            if (pixels[i] == 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && pixels[i] != 0) {
                i++;
            }
            if (pos + 24 > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, pos + 24));
            }
            if (pos > 0) {
                out[pos++] = ' ';
            }
            pos = appendInt(out, pos, start + 1);
            out[pos++] = ' ';
            pos = appendInt(out, pos, i - start);
        }
        return new String(out, 0, pos);
    }

    /** Runs of a mask (the encoder's view) without building a string. */
    public static Runs runsOf(BinaryMask mask) {
        byte[] pixels = mask.columnMajor();
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

    private static int appendInt(char[] out, int pos, int value) {
        if (value < 10) {
            out[pos] = (char) ('0' + value);
            return pos + 1;
        }
        int digits = 0;
        for (int v = value; v > 0; v /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int p = end - 1, v = value; p >= pos; p--, v /= 10) {
            out[p] = (char) ('0' + v % 10);
        }
        return end;
    }
}
