package dev.coilsight.core.rle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed Kaggle RLE: run starts (1-based pixel numbers, column-major) and lengths, sorted and
 * non-overlapping. Lets metrics work on runs without expanding a full mask.
 *
 * <p>Runs are kept exactly as written: two runs that touch ({@code "1 3 4 2"}) stay two runs, so
 * {@link #toRle()} gives back the string that was parsed. (The encoder never writes touching
 * runs; the real Severstal ground truth has none either.)
 */
public final class Runs {

    private static final Runs EMPTY = new Runs(new int[0], new int[0], 0);

    private final int[] starts;
    private final int[] lengths;
    private final int count;

    private Runs(int[] starts, int[] lengths, int count) {
        this.starts = starts;
        this.lengths = lengths;
        this.count = count;
    }

    public static Runs empty() {
        return EMPTY;
    }

    /**
     * Parses and validates an RLE for a {@code height x width} mask; {@code null}, empty and
     * blank strings are the empty mask.
     *
     * @throws RleFormatException naming the pair that is wrong
     */
    public static Runs parse(String rle, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + height + "x" + width + " (HxW)");
        }
        if (rle == null) {
            return EMPTY;
        }
        int[] values = parseValues(rle);
        int valueCount = values.length;
        if (valueCount == 0) {
            return EMPTY;
        }
        if (valueCount % 2 != 0) {
            throw new RleFormatException("odd number of values (" + valueCount + "): pair " + (valueCount / 2 + 1)
                    + " (start " + values[valueCount - 1] + ") has no length");
        }
        long totalPixels = (long) height * width;
        String mask = " of a " + height + "x" + width + " mask";
        int pairs = valueCount / 2;
        int[] starts = new int[pairs];
        int[] lengths = new int[pairs];
        long previousEnd = 0; // last pixel covered by the previous run
        for (int p = 0; p < pairs; p++) {
            int start = values[2 * p];
            int length = values[2 * p + 1];
            if (start < 1) {
                throw new RleFormatException(pair(p, start, length) + ": start must be >= 1 (pixels are numbered from 1)");
            }
            if (start > totalPixels) {
                throw new RleFormatException(pair(p, start, length) + ": start past the last pixel " + totalPixels + mask);
            }
            if (length < 1) {
                throw new RleFormatException(pair(p, start, length) + ": length must be >= 1");
            }
            long end = (long) start + length - 1;
            if (end > totalPixels) {
                throw new RleFormatException(pair(p, start, length) + ": run ends at pixel " + end
                        + ", past the last pixel " + totalPixels + mask);
            }
            if (start <= previousEnd) {
                if (start < starts[p - 1]) {
                    throw new RleFormatException(pair(p, start, length) + ": unsorted, starts before pair " + p
                            + " (start " + starts[p - 1] + ")");
                }
                throw new RleFormatException(pair(p, start, length) + ": overlaps pair " + p + " (start " + starts[p - 1]
                        + ", length " + lengths[p - 1] + ", ends at " + previousEnd + ")");
            }
            starts[p] = start;
            lengths[p] = length;
            previousEnd = end;
        }
        return new Runs(starts, lengths, pairs);
    }

    private static String pair(int index, int start, int length) {
        return "pair " + (index + 1) + " (start " + start + ", length " + length + ")";
    }

    /** The whitespace-separated non-negative integers of an RLE; anything else is named by position. */
    private static int[] parseValues(String rle) {
        int n = rle.length();
        // A value takes at least 2 characters with its separator, so n / 2 + 1 always fits.
        int[] values = new int[Math.min(n / 2 + 1, 1024)];
        int valueCount = 0;
        int i = 0;
        while (i < n) {
            if (separator(rle.charAt(i))) {
                i++;
                continue;
            }
            int tokenStart = i;
            long value = 0;
            // Up to the next separator, so that any other character (a vertical tab, an em space) is refused as part of
            // a value rather than parsed as an empty one again and again.
            while (i < n && !separator(rle.charAt(i))) {
                char d = rle.charAt(i);
                if (d < '0' || d > '9') {
                    throw new RleFormatException("value " + (valueCount + 1) + " ('" + token(rle, tokenStart)
                            + "', pair " + (valueCount / 2 + 1) + ") is not a whole number");
                }
                value = value * 10 + (d - '0');
                if (value > Integer.MAX_VALUE) {
                    throw new RleFormatException("value " + (valueCount + 1) + " (pair " + (valueCount / 2 + 1)
                            + ") is too large: " + token(rle, tokenStart));
                }
                i++;
            }
            if (valueCount == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[valueCount++] = (int) value;
        }
        return valueCount == values.length ? values : Arrays.copyOf(values, valueCount);
    }

    /** What separates the values of an RLE: a space, a tab or a line break. */
    private static boolean separator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The separator-delimited token at {@code from}, cut to 24 characters for messages. */
    private static String token(String rle, int from) {
        int end = from;
        while (end < rle.length() && !separator(rle.charAt(end)) && end - from < 24) {
            end++;
        }
        return rle.substring(from, end);
    }

    /** Runs from arrays already known to be valid (the encoder's output). */
    static Runs of(int[] starts, int[] lengths, int count) {
        return count == 0 ? EMPTY : new Runs(starts, lengths, count);
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** 1-based start of run {@code i}. */
    public int start(int i) {
        checkIndex(i);
        return starts[i];
    }

    public int length(int i) {
        checkIndex(i);
        return lengths[i];
    }

    /** A copy of the 1-based run starts. */
    public int[] starts() {
        return Arrays.copyOf(starts, count);
    }

    /** A copy of the run lengths. */
    public int[] lengths() {
        return Arrays.copyOf(lengths, count);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("run " + i + " of " + count);
        }
    }

    public long pixelCount() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += lengths[i];
        }
        return total;
    }

    /** Number of pixels covered by both run lists (a linear merge of the sorted intervals). */
    public long intersectionSize(Runs other) {
        long shared = 0;
        int i = 0;
        int j = 0;
        while (i < count && j < other.count) {
            long aStart = starts[i];
            long aEnd = aStart + lengths[i];
            long bStart = other.starts[j];
            long bEnd = bStart + other.lengths[j];
            long overlap = Math.min(aEnd, bEnd) - Math.max(aStart, bStart);
            if (overlap > 0) {
                shared += overlap;
            }
            if (aEnd <= bEnd) {
                i++;
            } else {
                j++;
            }
        }
        return shared;
    }

    /** The Kaggle string: {@code start length} pairs separated by single spaces; "" when empty. */
    public String toRle() {
        // ASCII digits written straight into a byte array: no per-append checks and no
        // char-to-Latin-1 compression pass when the String is made. A pair takes at most
        // 2 x 10 digits and 2 spaces.
        byte[] out = new byte[count * 22];
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out[pos++] = ' ';
            }
            pos = appendInt(out, pos, starts[i]);
            out[pos++] = ' ';
            pos = appendInt(out, pos, lengths[i]);
        }
        return new String(out, 0, pos, StandardCharsets.ISO_8859_1);
    }

    private static int appendInt(byte[] out, int pos, int value) {
        int end = pos + digits(value);
        for (int p = end - 1, v = value; p >= pos; p--, v /= 10) {
            out[p] = (byte) ('0' + v % 10);
        }
        return end;
    }

    private static int digits(int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Runs other && other.count == count
                && Arrays.equals(starts, 0, count, other.starts, 0, count)
                && Arrays.equals(lengths, 0, count, other.lengths, 0, count);
    }

    @Override
    public int hashCode() {
        int h = count;
        for (int i = 0; i < count; i++) {
            h = 31 * (31 * h + starts[i]) + lengths[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "Runs[" + count + " runs, " + pixelCount() + " px]";
    }
}
