package dev.coilsight.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import dev.coilsight.image.ImageRejectedException.Reason;

/**
 * Decodes PNG and JPEG images by content, never trusting a file name: reads the header first and
 * refuses images over the {@link ImageLimits} before any pixel is decoded; treats the decoder's
 * warnings (the JPEG reader only warns on a truncated file and fills the rest with gray) as
 * corruption. Thread-safe: every call uses its own ImageIO reader.
 */
public final class ImageDecoder {

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    public ImageLimits limits() {
        return limits;
    }

    /** Format and dimensions from the header alone, checked against the limits. */
    public ImageHeader readHeader(byte[] bytes) {
        ImageFormat format = checkFormatAndSize(bytes);
        return withReader(bytes, format, reader -> header(reader, format));
    }

    /** Decodes to the channels a model needs, after checking format, size and dimensions. */
    public DecodedImage decode(byte[] bytes, ColorMode mode) {
        ImageFormat format = checkFormatAndSize(bytes);
        return withReader(bytes, format, reader -> {
            ImageHeader header = header(reader, format);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image;
            try {
                ImageReadParam param = reader.getDefaultReadParam();
                image = reader.read(0, param);
            } catch (IOException e) {
                throw corrupt(format, e.getMessage(), e);
            } catch (RuntimeException e) {
                // ImageIO plugins throw assorted runtime exceptions on damaged data.
                throw corrupt(format, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (!warnings.isEmpty()) {
                throw corrupt(format, String.join("; ", warnings), null);
            }
            if (image == null || image.getWidth() != header.width() || image.getHeight() != header.height()) {
                throw corrupt(format, "decoded size differs from the header", null);
            }
            return convert(image, mode);
        });
    }

    private ImageFormat checkFormatAndSize(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.NOT_AN_IMAGE, "empty image: no bytes");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(Reason.TOO_LARGE, "image of " + bytes.length + " bytes is over the limit of "
                    + limits.maxBytes() + " bytes");
        }
        return ImageFormat.sniff(bytes).orElseThrow(() -> new ImageRejectedException(Reason.NOT_AN_IMAGE,
                "not a PNG or JPEG image: starts with " + hex(bytes, 8)));
    }

    private ImageHeader header(ImageReader reader, ImageFormat format) {
        int width;
        int height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, "unreadable header: " + e.getMessage(), e);
        }
        if (width <= 0 || height <= 0) {
            throw corrupt(format, "header claims " + width + "x" + height + " pixels", null);
        }
        if (width > limits.maxWidth() || height > limits.maxHeight() || (long) width * height > limits.maxPixels()) {
            throw new ImageRejectedException(Reason.TOO_LARGE, format + " of " + width + "x" + height
                    + " pixels is over the limits (" + limits.maxWidth() + "x" + limits.maxHeight() + ", "
                    + limits.maxPixels() + " pixels)");
        }
        return new ImageHeader(format, width, height);
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader);
    }

    private static <T> T withReader(byte[] bytes, ImageFormat format, ReaderWork<T> work) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(stream, true, true);
            return work.apply(reader);
        } catch (IOException e) {
            throw corrupt(format, e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /** Copies pixels into HWC bytes: straight from the raster for 8-bit gray, through ARGB otherwise. */
    static DecodedImage convert(BufferedImage image, ColorMode mode) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] out = new byte[width * height * mode.channels()];
        if (mode == ColorMode.GRAYSCALE && image.getType() == BufferedImage.TYPE_BYTE_GRAY
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && image.getRaster().getSampleModelTranslateX() == 0 && buffer.getData().length == out.length) {
            System.arraycopy(buffer.getData(), 0, out, 0, out.length);
            return new DecodedImage(width, height, 1, out);
        }
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int base = y * width * mode.channels();
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                int r = (argb >> 16) & 0xff;
                int g = (argb >> 8) & 0xff;
                int b = argb & 0xff;
                if (mode == ColorMode.GRAYSCALE) {
                    out[base + x] = (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
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

    private static ImageRejectedException corrupt(ImageFormat format, String detail, Throwable cause) {
        return new ImageRejectedException(Reason.CORRUPT, "truncated or corrupt " + format + ": "
                + (detail == null ? "unreadable" : detail), cause);
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < Math.min(max, bytes.length); i++) {
            out.append(String.format("%02x", bytes[i] & 0xff));
        }
        return out.toString();
    }
}
