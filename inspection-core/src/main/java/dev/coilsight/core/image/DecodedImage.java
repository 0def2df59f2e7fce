package dev.coilsight.core.image;

/** Decoded pixels, row-major HWC (height, width, channels), one unsigned byte per sample. */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {

    public DecodedImage {
        if ((long) width * height * channels != pixels.length) {
            throw new IllegalArgumentException("expected " + (long) width * height * channels + " samples for "
                    + width + "x" + height + "x" + channels + ", got " + pixels.length);
        }
    }

    /** Sample at (row, col, channel) as 0..255. */
    public int sample(int row, int col, int channel) {
        return pixels[(row * width + col) * channels + channel] & 0xff;
    }
}
