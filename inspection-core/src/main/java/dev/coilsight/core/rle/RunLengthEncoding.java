package dev.coilsight.core.rle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Kaggle Severstal run-length encoding: space-separated {@code start length} pairs, pixels
 * numbered from 1 top to bottom then left to right (column-major), runs sorted and not
 * overlapping. Decoding then encoding a valid RLE returns the same string; the one exception is
 * touching runs ({@code "1 3 4 2"}), which the encoder writes as one run ({@code "1 5"}) like every
 * Kaggle encoder. Use {@link Runs} to keep an RLE exactly as written.
 */
public final class RunLengthEncoding {

    /** Eight mask bytes read as one long, so empty and full stretches are skipped a word at a time. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private RunLengthEncoding() {
    }

    /** Encodes a mask; an empty mask gives the empty string. */
    public static String encode(BinaryMask mask) {
        return runsOf(mask).toRle();
    }

    /** The runs of a mask (what {@link #encode} writes) without building a string. */
    public static Runs runsOf(BinaryMask mask) {
        byte[] pixels = mask.columnMajor();
        int n = pixels.length;
        int[] starts = new int[16];
        int[] lengths = new int[16];
        int count = 0;
        int i = nextOn(pixels, 0, n);
        while (i < n) {
            int end = nextOff(pixels, i, n);
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            starts[count] = i + 1;
            lengths[count] = end - i;
            count++;
            i = nextOn(pixels, end, n);
        }
        return Runs.of(starts, lengths, count);
    }

    /** Index of the first non-zero byte at or after {@code i}, or {@code n}. */
    private static int nextOn(byte[] pixels, int i, int n) {
        while (i + Long.BYTES <= n) {
            long word = (long) WORDS.get(pixels, i);
            if (word != 0) {
                return i + (Long.numberOfTrailingZeros(word) >>> 3);
            }
            i += Long.BYTES;
        }
        while (i < n && pixels[i] == 0) {
            i++;
        }
        return i;
    }

    /** Index of the first zero byte at or after {@code i}, or {@code n}. */
    private static int nextOff(byte[] pixels, int i, int n) {
        while (i + Long.BYTES <= n) {
            long word = (long) WORDS.get(pixels, i);
            // Sets the high bit of every zero byte; the lowest one flagged is exact (borrows
            // only create false flags above a true zero byte).
            long zeroBytes = (word - ONES) & ~word & HIGH_BITS;
            if (zeroBytes != 0) {
                return i + (Long.numberOfTrailingZeros(zeroBytes) >>> 3);
            }
            i += Long.BYTES;
        }
        while (i < n && pixels[i] != 0) {
            i++;
        }
        return i;
    }

    /**
     * Decodes an RLE into a {@code height x width} mask.
     *
     * @throws RleFormatException naming the pair that is wrong
     */
    public static BinaryMask decode(String rle, int height, int width) {
        return expand(Runs.parse(rle, height, width), height, width);
    }

    /** Expands runs (already checked against this size by {@link Runs#parse}) into a mask. */
    public static BinaryMask expand(Runs runs, int height, int width) {
        BinaryMask mask = new BinaryMask(height, width);
        byte[] pixels = mask.columnMajor();
        for (int r = 0; r < runs.count(); r++) {
            int from = runs.start(r) - 1;
            if ((long) from + runs.length(r) > pixels.length) {
                throw new RleFormatException("run " + (r + 1) + " (start " + runs.start(r) + ", length " + runs.length(r)
                        + ") does not fit a " + height + "x" + width + " mask");
            }
            Arrays.fill(pixels, from, from + runs.length(r), (byte) 1);
        }
        return mask;
    }

    /**
     * The RLE with its values separated by single spaces, as the encoder writes them: one that spread its values over
     * lines would split a CSV row in two.
     */
    public static String oneLine(String rle) {
        return rle.strip().replaceAll("[ \\t\\r\\n]+", " ");
    }

    /** Checks an RLE against a mask size without decoding it; the runs are returned for reuse. */
    public static Runs validate(String rle, int height, int width) {
        return Runs.parse(rle, height, width);
    }

    /** Number of mask pixels an RLE covers (the sum of its lengths), after validating it. */
    public static long pixelCount(String rle, int height, int width) {
        return Runs.parse(rle, height, width).pixelCount();
    }
}
