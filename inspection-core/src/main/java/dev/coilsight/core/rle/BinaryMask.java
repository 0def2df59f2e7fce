package dev.coilsight.core.rle;

/**
 * A per-pixel yes/no mask of one defect class on one image. Pixels are stored column-major
 * (top to bottom, then left to right), the order the Kaggle RLE numbers them in, so encoding is a
 * single linear scan.
 */
public final class BinaryMask {

    private final int height;
    private final int width;
    private final byte[] pixels;

    public BinaryMask(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + height + "x" + width + " (HxW)");
        }
        if ((long) height * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("mask of " + height + "x" + width + " pixels is too large");
        }
        this.height = height;
        this.width = width;
        this.pixels = new byte[height * width];
    }

    /** Wraps column-major bytes (0 = off, anything else = on) without copying. */
    public static BinaryMask wrapColumnMajor(int height, int width, byte[] columnMajor) {
        return new BinaryMask(height, width, columnMajor);
    }

    /**
     * Copies row-major bytes (0 = off, anything else = on; index = row * width + col, the layout
     * of images and model outputs) into a new mask.
     */
    public static BinaryMask fromRowMajor(int height, int width, byte[] rowMajor) {
        BinaryMask mask = new BinaryMask(height, width);
        if (rowMajor.length != mask.pixels.length) {
            throw new IllegalArgumentException("expected " + mask.pixels.length + " row-major pixels for " + height + "x"
                    + width + " (HxW), got " + rowMajor.length);
        }
        for (int row = 0; row < height; row++) {
            int from = row * width;
            for (int col = 0; col < width; col++) {
                if (rowMajor[from + col] != 0) {
                    mask.pixels[col * height + row] = 1;
                }
            }
        }
        return mask;
    }

    private BinaryMask(int height, int width, byte[] columnMajor) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + height + "x" + width + " (HxW)");
        }
        if (columnMajor.length != (long) height * width) {
            throw new IllegalArgumentException("expected " + (long) height * width + " column-major pixels for "
                    + height + "x" + width + " (HxW), got " + columnMajor.length);
        }
        this.height = height;
        this.width = width;
        this.pixels = columnMajor;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public boolean get(int row, int col) {
        return pixels[index(row, col)] != 0;
    }

    public void set(int row, int col, boolean on) {
        pixels[index(row, col)] = (byte) (on ? 1 : 0);
    }

    /** The backing column-major array (index = col * height + row); shared, not copied. */
    public byte[] columnMajor() {
        return pixels;
    }

    public long pixelCount() {
        long count = 0;
        for (byte p : pixels) {
            if (p != 0) {
                count++;
            }
        }
        return count;
    }

    public boolean isEmpty() {
        for (byte p : pixels) {
            if (p != 0) {
                return false;
            }
        }
        return true;
    }

    private int index(int row, int col) {
        if (row < 0 || row >= height || col < 0 || col >= width) {
            throw new IndexOutOfBoundsException("pixel (" + row + "," + col + ") outside " + height + "x" + width);
        }
        return col * height + row;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BinaryMask other) || other.height != height || other.width != width) {
            return false;
        }
        for (int i = 0; i < pixels.length; i++) {
            if ((pixels[i] != 0) != (other.pixels[i] != 0)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 31 * height + width;
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i] != 0) {
                h = 31 * h + i;
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "BinaryMask[" + height + "x" + width + ", " + pixelCount() + " px]";
    }
}
