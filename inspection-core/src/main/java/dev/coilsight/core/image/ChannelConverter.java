package dev.coilsight.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} of any type into HWC bytes with the channels asked for.
 *
 * <p>Gray sources (8- or 16-bit gray PNG, one-channel JPEG, gray with alpha) are read from the
 * raster and scaled to 8 bits, never through {@code getRGB}: Java treats their gray color space as
 * linear and would gamma-shift every value on the way to sRGB (10 becomes 56), which would also
 * corrupt label maps. Colour sources (RGB, palette, 16-bit RGB) go through {@code getRGB}, i.e.
 * sRGB. Gray from colour is the luminance {@code (299 R + 587 G + 114 B) / 1000}, rounded, which is
 * exactly R for the Severstal files where R = G = B. Alpha is dropped.
 */
final class ChannelConverter {

    private ChannelConverter() {
    }

    static DecodedImage convert(BufferedImage image, ColorMode mode) {
        if (isGray(image)) {
            return fromGrayRaster(image.getRaster(), mode);
        }
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && isWholeByteBuffer(image, 3)) {
            return fromBgrBytes(image, mode);
        }
        return fromArgb(image, mode);
    }

    private static boolean isGray(BufferedImage image) {
        return image.getColorModel() instanceof ComponentColorModel model
                && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && image.getRaster().getNumBands() >= 1;
    }

    /** True when the raster's bytes are exactly the image's pixels, in order (not a sub-image). */
    private static boolean isWholeByteBuffer(BufferedImage image, int bytesPerPixel) {
        Raster raster = image.getRaster();
        return raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getParent() == null
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && buffer.getNumBanks() == 1
                && buffer.getData().length == image.getWidth() * image.getHeight() * bytesPerPixel;
    }

    private static DecodedImage fromGrayRaster(Raster raster, ColorMode mode) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int channels = mode.channels();
        int bits = raster.getSampleModel().getSampleSize(0);
        long maxValue = (1L << bits) - 1;
        byte[] out = new byte[width * height * channels];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            int base = y * width * channels;
            for (int x = 0; x < width; x++) {
                int value = bits == 8 ? row[x] : (int) ((row[x] * 255L + maxValue / 2) / maxValue);
                for (int c = 0; c < channels; c++) {
                    out[base + x * channels + c] = (byte) value;
                }
            }
        }
        return new DecodedImage(width, height, channels, out);
    }

    private static DecodedImage fromBgrBytes(BufferedImage image, ColorMode mode) {
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int pixels = image.getWidth() * image.getHeight();
        byte[] out = new byte[pixels * mode.channels()];
        if (mode == ColorMode.GRAYSCALE) {
            for (int i = 0, s = 0; i < pixels; i++, s += 3) {
                byte b = bgr[s];
                byte g = bgr[s + 1];
                byte r = bgr[s + 2];
                // Grey strip photographed in colour has R = G = B almost everywhere, where the luma is that value.
                out[i] = r == g && g == b ? r : luminance(r & 0xff, g & 0xff, b & 0xff);
            }
        } else {
            for (int i = 0, s = 0; i < pixels; i++, s += 3) {
                out[3 * i] = bgr[s + 2];
                out[3 * i + 1] = bgr[s + 1];
                out[3 * i + 2] = bgr[s];
            }
        }
        return new DecodedImage(image.getWidth(), image.getHeight(), mode.channels(), out);
    }

    private static DecodedImage fromArgb(BufferedImage image, ColorMode mode) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] out = new byte[width * height * mode.channels()];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int base = y * width * mode.channels();
            for (int x = 0; x < width; x++) {
                int r = (row[x] >> 16) & 0xff;
                int g = (row[x] >> 8) & 0xff;
                int b = row[x] & 0xff;
                if (mode == ColorMode.GRAYSCALE) {
                    out[base + x] = luminance(r, g, b);
                } else {
                    int o = base + 3 * x;
                    out[o] = (byte) r;
                    out[o + 1] = (byte) g;
                    out[o + 2] = (byte) b;
                }
            }
        }
        return new DecodedImage(width, height, mode.channels(), out);
    }

    /** ITU-R BT.601 luma, rounded; integer weights summing to 1000 keep R = G = B exact. */
    private static byte luminance(int r, int g, int b) {
        return (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
    }
}
