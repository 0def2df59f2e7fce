package dev.coilsight.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.image.ImageRejectedException.Reason;

/**
 * Decodes PNG and JPEG images by content, never trusting a file name. It reads the header first
 * and refuses images over the {@link ImageLimits} before any pixel is decoded (a 100-byte PNG can
 * claim 100000 x 100000 pixels), and treats the decoder's warnings as corruption: the JPEG reader
 * only warns on a truncated file and fills the rest with gray. Thread-safe: every call uses its
 * own ImageIO reader.
 */
public final class ImageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);

    /** Enough bytes to recognise either format. */
    private static final int MAGIC_BYTES = 8;
    /**
     * The decoded raster may take this many bytes for each pixel {@link ImageLimits#maxPixels} allows: an 8-bit RGB image
     * at the pixel limit, not a 16-bit RGBA one (8 bytes a pixel).
     */
    static final long DECODED_BYTES_PER_ALLOWED_PIXEL = 3;

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
        ImageFormat format = checkFormatAndSize(bytes, bytes == null ? 0 : bytes.length);
        return withReader(new ByteArrayInputStream(bytes), format, reader -> header(reader, format));
    }

    /**
     * Format and dimensions of an image file, reading only as far as its header (the pixel data of
     * a large file is never read).
     */
    public ImageHeader readHeader(Path file) {
        long size = fileSize(file);
        InputStream in = null;
        try {
            in = new BufferedInputStream(Files.newInputStream(file));
            in.mark(MAGIC_BYTES);
            byte[] magic = in.readNBytes(MAGIC_BYTES);
            in.reset();
            ImageFormat format = checkFormatAndSize(magic, size);
            InputStream header = in;
            in = null; // withReader closes it from here on
            return withReader(header, format, reader -> header(reader, format));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file + ": " + e, e);
        } finally {
            closeQuietly(in);
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // Nothing was written; a failed close of a read-only stream loses nothing.
            }
        }
    }

    /** Decodes to the channels a model needs, after checking format, size and dimensions. */
    public DecodedImage decode(byte[] bytes, ColorMode mode) {
        ImageFormat format = checkFormatAndSize(bytes, bytes == null ? 0 : bytes.length);
        return withReader(new ByteArrayInputStream(bytes), format, reader -> {
            ImageHeader header = header(reader, format);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image;
            try {
                image = reader.read(0, reader.getDefaultReadParam());
            } catch (IOException e) {
                throw corrupt(format, e.getMessage(), e);
            } catch (RuntimeException e) {
                // ImageIO plugins throw assorted runtime exceptions on damaged data
                // (ArrayIndexOutOfBounds, IllegalState, NegativeArraySize, ...).
                throw corrupt(format, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (!warnings.isEmpty()) {
                // Warnings mean pixels were invented (gray fill after a truncated JPEG): refuse.
                throw corrupt(format, String.join("; ", warnings), null);
            }
            if (image == null || image.getWidth() != header.width() || image.getHeight() != header.height()) {
                throw corrupt(format, "decoded size differs from the header's " + header.width() + "x" + header.height(), null);
            }
            return ChannelConverter.convert(image, mode);
        });
    }

    /** Reads a file (refusing it by size before reading) and decodes it. */
    public DecodedImage decode(Path file, ColorMode mode) {
        fileSize(file);
        try {
            return decode(Files.readAllBytes(file), mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file + ": " + e, e);
        }
    }

    private long fileSize(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("image file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file + ": " + e, e);
        }
        if (size > limits.maxBytes()) {
            throw tooManyBytes(size);
        }
        return size;
    }

    private ImageFormat checkFormatAndSize(byte[] bytes, long size) {
        if (bytes == null || bytes.length == 0 || size == 0) {
            throw new ImageRejectedException(Reason.NOT_AN_IMAGE, "empty image: no bytes");
        }
        if (size > limits.maxBytes()) {
            throw tooManyBytes(size);
        }
        return ImageFormat.sniff(bytes).orElseThrow(() -> new ImageRejectedException(Reason.NOT_AN_IMAGE,
                "not a PNG or JPEG image: starts with " + hex(bytes, MAGIC_BYTES)));
    }

    private ImageRejectedException tooManyBytes(long size) {
        return new ImageRejectedException(Reason.TOO_LARGE, "image of " + size + " bytes is over the limit of "
                + limits.maxBytes() + " bytes");
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
            LOG.debug("refused {} of {}x{} before decoding", format, width, height);
            throw new ImageRejectedException(Reason.TOO_LARGE, format + " of " + width + "x" + height
                    + " pixels is over the limits (" + limits.maxWidth() + "x" + limits.maxHeight() + ", "
                    + limits.maxPixels() + " pixels)");
        }
        long bytesPerPixel = decodedBytesPerPixel(reader);
        long decodedBytes = (long) width * height * bytesPerPixel;
        long budget = limits.maxPixels() * DECODED_BYTES_PER_ALLOWED_PIXEL;
        if (decodedBytes > budget) {
            // Deep samples multiply the raster: a 16-bit RGBA PNG of a third of a megabyte can decode to 320 MB.
            throw new ImageRejectedException(Reason.TOO_LARGE, format + " of " + width + "x" + height + " pixels at " + bytesPerPixel
                    + " bytes per pixel would take " + decodedBytes / 1_000_000 + " MB decoded, over the limit of " + budget / 1_000_000
                    + " MB (" + DECODED_BYTES_PER_ALLOWED_PIXEL + " bytes for each of the " + limits.maxPixels() + " pixels allowed)");
        }
        return new ImageHeader(format, width, height);
    }

    /** Bytes per pixel of the raster the reader would decode into; 1 when it cannot tell. */
    private static long decodedBytesPerPixel(ImageReader reader) {
        try {
            ImageTypeSpecifier raw = reader.getRawImageType(0);
            if (raw == null) {
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                raw = types.hasNext() ? types.next() : null;
            }
            if (raw == null) {
                return 1;
            }
            SampleModel samples = raw.getSampleModel();
            return Math.max(1, (long) samples.getNumDataElements() * DataBuffer.getDataTypeSize(samples.getDataType()) / 8);
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader);
    }

    /** Runs {@code work} with a fresh reader for the format over the stream; always disposes both. */
    private static <T> T withReader(InputStream input, ImageFormat format, ReaderWork<T> work) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format + " on this JVM");
        }
        ImageReader reader = readers.next();
        try (input; ImageInputStream stream = new MemoryCacheImageInputStream(input)) {
            // seekForwardOnly: the stream may drop what it has read; ignoreMetadata: no metadata trees.
            reader.setInput(stream, true, true);
            return work.apply(reader);
        } catch (IOException e) {
            throw corrupt(format, e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageDecodeException corrupt(ImageFormat format, String detail, Throwable cause) {
        return new ImageDecodeException("truncated or corrupt " + format + ": "
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
