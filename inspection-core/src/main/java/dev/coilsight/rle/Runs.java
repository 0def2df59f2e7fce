package dev.coilsight.rle;

import java.util.Arrays;

/**
 * A parsed Kaggle RLE: run starts (1-based pixel numbers, column-major) and lengths, sorted and
 * non-overlapping. Lets metrics work on runs without expanding a full mask.
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
     * Parses and validates an RLE for a mask of {@code totalPixels} pixels (height x width).
     *
     * @throws RleFormatException naming the pair that is wrong
     */
    public static Runs parse(String rle, long totalPixels) {
        if (rle == null) {
            return EMPTY;
        }
        int n = rle.length();
        int[] values = new int[Math.max(8, n / 4)];
        int valueCount = 0;
        int i = 0;
        while (i < n) {
            char c = rle.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
                continue;
            }
            long value = 0;
            int tokenStart = i;
            while (i < n && rle.charAt(i) > ' ') {
                char d = rle.charAt(i);
                if (d < '0' || d > '9') {
                    int end = i;
                    while (end < n && rle.charAt(end) > ' ') {
                        end++;
                    }
                    throw new RleFormatException("value " + (valueCount + 1) + " ('" + rle.substring(tokenStart, end)
                            + "', pair " + (valueCount / 2 + 1) + ") is not a whole number");
                }
                value = value * 10 + (d - '0');
                if (value > Integer.MAX_VALUE) {
                    throw new RleFormatException("value " + (valueCount + 1) + " (pair " + (valueCount / 2 + 1)
                            + ") is too large: " + rle.substring(tokenStart, Math.min(n, tokenStart + 20)));
                }
                i++;
            }
            if (valueCount == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[valueCount++] = (int) value;
        }
        if (valueCount == 0) {
            return EMPTY;
        }
        if (valueCount % 2 != 0) {
            throw new RleFormatException("odd number of values (" + valueCount + "): pair " + (valueCount / 2 + 1)
                    + " (start " + values[valueCount - 1] + ") has no length");
        }
        int pairs = valueCount / 2;
        int[] starts = new int[pairs];
        int[] lengths = new int[pairs];
        long previousEnd = 0; // last pixel covered by the previous run
        for (int p = 0; p < pairs; p++) {
            int start = values[2 * p];
            int length = values[2 * p + 1];
            String pair = "pair " + (p + 1) + " (start " + start + ", length " + length + ")";
            if (start < 1) {
                throw new RleFormatException(pair + ": start must be >= 1 (pixels are numbered from 1)");
            }
            if (start > totalPixels) {
                throw new RleFormatException(pair + ": start past the last pixel " + totalPixels);
            }
            if (length < 1) {
                throw new RleFormatException(pair + ": length must be >= 1");
            }
            long end = (long) start + length - 1;
            if (end > totalPixels) {
                throw new RleFormatException(pair + ": run ends at pixel " + end + ", past the last pixel " + totalPixels);
            }
            if (p > 0 && start <= previousEnd) {
                if (start < starts[p - 1]) {
                    throw new RleFormatException(pair + ": unsorted, starts before pair " + p + " (start " + starts[p - 1] + ")");
                }
                throw new RleFormatException(pair + ": overlaps pair " + p + " (start " + starts[p - 1]
                        + ", length " + lengths[p - 1] + ", ends at " + previousEnd + ")");
            }
            starts[p] = start;
            lengths[p] = length;
            previousEnd = end;
        }
        return new Runs(starts, lengths, pairs);
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
        return starts[i];
    }

    public int length(int i) {
        return lengths[i];
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

    /** The Kaggle string: {@code start length} pairs separated by single spaces. */
    public String toRle() {
        // Each pair takes at most 2 x 10 digits and 2 spaces; writing digits into a char array
        // avoids StringBuilder's per-append checks on this hot path.
        char[] out = new char[count * 22];
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out[pos++] = ' ';
            }
            pos = appendInt(out, pos, starts[i]);
            out[pos++] = ' ';
            pos = appendInt(out, pos, lengths[i]);
        }
        return new String(out, 0, pos);
    }

    private static int appendInt(char[] out, int pos, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int p = end - 1, v = value; p >= pos; p--, v /= 10) {
            out[p] = (char) ('0' + v % 10);
        }
        return end;
    }

    @Override
    public String toString() {
        return "Runs[" + count + " runs, " + pixelCount() + " px]";
    }
}
