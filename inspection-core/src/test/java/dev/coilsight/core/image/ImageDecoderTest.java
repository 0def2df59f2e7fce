package dev.coilsight.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coilsight.core.image.ImageRejectedException.Reason;
import dev.coilsight.testsupport.SharedData;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void theSamplesJpgFilesArePngByContentAndDecodeAsSuch() throws IOException {
        List<Path> images = files(SharedData.require("severstal-sample").resolve("train_images"));
        assertThat(images).hasSize(16);
        for (Path file : images) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(file.toString()).endsWith(".jpg");

            assertThat(decoder.readHeader(bytes)).isEqualTo(new ImageHeader(ImageFormat.PNG, 1600, 256));
            DecodedImage gray = decoder.decode(bytes, ColorMode.GRAYSCALE);
            DecodedImage rgb = decoder.decode(bytes, ColorMode.RGB);
            assertThat(gray.pixels()).hasSize(1600 * 256);
            assertThat(rgb.pixels()).hasSize(1600 * 256 * 3);
            // R = G = B in these files: gray is exactly the red channel.
            BufferedImage reference = ImageIO.read(file.toFile());
            for (int[] p : new int[][] {{0, 0}, {128, 800}, {255, 1599}}) {
                int red = (reference.getRGB(p[1], p[0]) >> 16) & 0xff;
                assertThat(gray.sample(p[0], p[1], 0)).isEqualTo(red);
                assertThat(rgb.sample(p[0], p[1], 0)).isEqualTo(red);
                assertThat(rgb.sample(p[0], p[1], 2)).isEqualTo(red);
            }
        }
    }

    @Test
    void realJpegsAndTheirDimensions() throws IOException {
        Path neu = SharedData.require("neu-seg");
        byte[] jpeg = Files.readAllBytes(neu.resolve("images").resolve("000001.jpg"));
        assertThat(decoder.readHeader(jpeg)).isEqualTo(new ImageHeader(ImageFormat.JPEG, 200, 200));
        assertThat(decoder.decode(jpeg, ColorMode.GRAYSCALE).pixels()).hasSize(200 * 200);

        byte[] mask = Files.readAllBytes(neu.resolve("masks").resolve("000001.png"));
        DecodedImage labels = decoder.decode(mask, ColorMode.GRAYSCALE);
        // Label maps keep their class ids 0..3 through the 8-bit gray path.
        int max = 0;
        for (byte b : labels.pixels()) {
            max = Math.max(max, b & 0xff);
        }
        assertThat(max).isBetween(1, 3);

        long jpegs = 0;
        for (Path file : files(SharedData.require("severstal-train").resolve("train_images"))) {
            ImageHeader header = decoder.readHeader(Files.readAllBytes(file));
            assertThat(header.width()).isEqualTo(1600);
            assertThat(header.height()).isEqualTo(256);
            jpegs += header.format() == ImageFormat.JPEG ? 1 : 0;
        }
        assertThat(jpegs).as("severstal-train holds original JPEGs").isPositive();
    }

    @Test
    void notAnImageIsNamedWithItsFirstBytes() {
        assertThatThrownBy(() -> decoder.decode("{\"not\":\"an image\"}".getBytes(), ColorMode.RGB))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageStartingWith("not a PNG or JPEG image: starts with 0x7b226e6f74")
                .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(Reason.NOT_AN_IMAGE));
        assertThatThrownBy(() -> decoder.decode(new byte[0], ColorMode.RGB))
                .hasMessage("empty image: no bytes");
    }

    @ParameterizedTest(name = "cut at {0}%")
    @ValueSource(ints = {1, 10, 50, 90, 99})
    @Timeout(10)
    void truncatedPngIsCorruptNeverAHang(int percent) throws IOException {
        byte[] png = Files.readAllBytes(files(SharedData.require("severstal-sample").resolve("train_images")).get(0));
        byte[] cut = Arrays.copyOf(png, Math.max(9, png.length * percent / 100));

        assertThatThrownBy(() -> decoder.decode(cut, ColorMode.GRAYSCALE))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("truncated or corrupt PNG")
                .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(Reason.CORRUPT));
    }

    @ParameterizedTest(name = "cut at {0}%")
    @ValueSource(ints = {1, 10, 50, 90, 99})
    @Timeout(10)
    void truncatedJpegIsCorruptNotGrayFilled(int percent) throws IOException {
        byte[] jpeg = Files.readAllBytes(files(SharedData.require("severstal-stream").resolve("images")).get(0));
        assertThat(ImageFormat.sniff(jpeg)).contains(ImageFormat.JPEG);
        byte[] cut = Arrays.copyOf(jpeg, Math.max(4, jpeg.length * percent / 100));

        assertThatThrownBy(() -> decoder.decode(cut, ColorMode.GRAYSCALE))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("truncated or corrupt JPEG");
    }

    @Test
    @Timeout(10)
    void garbageAfterAValidMagicIsCorrupt() {
        Random random = new Random(7);
        for (byte[] magic : List.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
                new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] bytes = new byte[magic.length + 10 + random.nextInt(5000)];
                random.nextBytes(bytes);
                System.arraycopy(magic, 0, bytes, 0, magic.length);
                assertThatThrownBy(() -> decoder.decode(bytes, ColorMode.RGB))
                        .isInstanceOf(ImageRejectedException.class)
                        .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isIn(Reason.CORRUPT, Reason.TOO_LARGE));
            }
        }
    }

    @Test
    @Timeout(5)
    void aDecompressionBombIsRefusedFromItsHeader() throws IOException {
        byte[] bomb = pngClaiming(100_000, 100_000);

        assertThatThrownBy(() -> decoder.decode(bomb, ColorMode.GRAYSCALE))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("PNG of 100000x100000 pixels is over the limits (8192x8192, 40000000 pixels)")
                .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
        assertThatThrownBy(() -> decoder.readHeader(bomb)).hasMessageContaining("100000x100000");
    }

    @Test
    void anImageOfDeepSamplesIsRefusedByTheSizeItWouldDecodeTo() throws IOException {
        // 800 x 800 is under the 1 Mpx limit, but 16-bit RGBA decodes to 5.1 MB, over 3 bytes for each allowed pixel.
        java.awt.image.BufferedImage deep = javax.imageio.ImageTypeSpecifier.createInterleaved(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), new int[] {0, 1, 2, 3},
                java.awt.image.DataBuffer.TYPE_USHORT, true, false).createBufferedImage(800, 800);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(deep, "png", png);
        ImageDecoder tight = new ImageDecoder(new ImageLimits(10_000_000, 8192, 8192, 1_000_000));

        assertThatThrownBy(() -> tight.decode(png.toByteArray(), ColorMode.GRAYSCALE))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("PNG of 800x800 pixels at 8 bytes per pixel would take 5 MB decoded, over the limit of 3 MB "
                        + "(3 bytes for each of the 1000000 pixels allowed)")
                .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
        assertThatThrownBy(() -> tight.readHeader(png.toByteArray())).hasMessageContaining("8 bytes per pixel");
        java.awt.image.BufferedImage gray = new java.awt.image.BufferedImage(800, 800, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream grayPng = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(gray, "png", grayPng);
        assertThat(tight.decode(grayPng.toByteArray(), ColorMode.GRAYSCALE).width()).as("8-bit gray of the same size").isEqualTo(800);
    }

    @Test
    void tightLimitsRefuseARealImage() throws IOException {
        byte[] png = Files.readAllBytes(files(SharedData.require("severstal-sample").resolve("train_images")).get(0));

        assertThatThrownBy(() -> new ImageDecoder(new ImageLimits(10_000_000, 1024, 1024, 1_000_000)).decode(png, ColorMode.RGB))
                .hasMessageContaining("1600x256 pixels is over the limits (1024x1024");
        assertThatThrownBy(() -> new ImageDecoder(new ImageLimits(1000, 8192, 8192, 10_000_000)).decode(png, ColorMode.RGB))
                .hasMessageContaining("bytes is over the limit of 1000 bytes")
                .satisfies(e -> assertThat(((ImageRejectedException) e).reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void rgbAndPaletteImagesConvertToLuminance() throws IOException {
        BufferedImage colour = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(0, 0, 0xFF0000);
        colour.setRGB(1, 0, 0x00FF00);
        colour.setRGB(2, 0, 0x0000FF);
        colour.setRGB(0, 1, 0x808080);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(colour, "png", out);

        DecodedImage gray = decoder.decode(out.toByteArray(), ColorMode.GRAYSCALE);
        assertThat(gray.sample(0, 0, 0)).isEqualTo(76);   // 0.299 * 255
        assertThat(gray.sample(0, 1, 0)).isEqualTo(150);  // 0.587 * 255
        assertThat(gray.sample(0, 2, 0)).isEqualTo(29);   // 0.114 * 255
        assertThat(gray.sample(1, 0, 0)).isEqualTo(128);
        DecodedImage rgb = decoder.decode(out.toByteArray(), ColorMode.RGB);
        assertThat(new int[] {rgb.sample(0, 1, 0), rgb.sample(0, 1, 1), rgb.sample(0, 1, 2)}).containsExactly(0, 255, 0);
    }

    @Test
    @Timeout(10)
    void aTruncatedJpegNamesWhatTheDecoderSaid() throws IOException {
        byte[] jpeg = Files.readAllBytes(files(SharedData.require("severstal-train").resolve("train_images")).stream()
                .filter(f -> f.getFileName().toString().startsWith("0a")).findFirst().orElseThrow());
        assertThat(ImageFormat.sniff(jpeg)).contains(ImageFormat.JPEG);
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);

        // ImageIO only warns here and would return the image with its lower half gray.
        assertThatThrownBy(() -> decoder.decode(cut, ColorMode.RGB))
                .isInstanceOf(ImageDecodeException.class)
                .hasMessageStartingWith("truncated or corrupt JPEG: ")
                .hasMessageContaining("premature end of data");
    }

    @Test
    @Timeout(5)
    void aJpegClaimingHugeDimensionsIsRefusedFromItsHeader() throws IOException {
        byte[] jpeg = Files.readAllBytes(files(SharedData.require("severstal-stream").resolve("images")).get(0));
        int sof = startOfFrame(jpeg);
        // SOF: FF Cn, length (2), precision (1), height (2), width (2).
        ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) 60000).putShort((short) 60000);

        assertThatThrownBy(() -> decoder.decode(jpeg, ColorMode.RGB))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("JPEG of 60000x60000 pixels is over the limits (8192x8192, 40000000 pixels)");
    }

    @Test
    void headersOfFilesAreReadWithoutReadingThePixels(@TempDir Path dir) throws IOException {
        // Keep only the start of each file: enough for the header, nowhere near enough to decode.
        byte[] png = Files.readAllBytes(files(SharedData.require("severstal-sample").resolve("train_images")).get(0));
        byte[] jpeg = Files.readAllBytes(files(SharedData.require("severstal-stream").resolve("images")).get(0));
        Path pngHead = dir.resolve("png-head.jpg");
        Path jpegHead = dir.resolve("jpeg-head.png");
        Files.write(pngHead, Arrays.copyOf(png, 64));
        // ImageIO's JPEG reader reads every table up to the start of scan before it answers.
        Files.write(jpegHead, Arrays.copyOf(jpeg, marker(jpeg, 0xDA) + 64));

        assertThat(decoder.readHeader(pngHead)).isEqualTo(new ImageHeader(ImageFormat.PNG, 1600, 256));
        assertThat(decoder.readHeader(jpegHead)).isEqualTo(new ImageHeader(ImageFormat.JPEG, 1600, 256));
        assertThatThrownBy(() -> decoder.decode(pngHead, ColorMode.RGB)).isInstanceOf(ImageDecodeException.class);

        Path missing = dir.resolve("missing.png");
        assertThatThrownBy(() -> decoder.readHeader(missing)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("image file " + missing + " does not exist");
        Path text = Files.writeString(dir.resolve("notes.png"), "hello");
        assertThatThrownBy(() -> decoder.readHeader(text)).isInstanceOf(ImageRejectedException.class)
                .hasMessage("not a PNG or JPEG image: starts with 0x68656c6c6f");
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertThatThrownBy(() -> decoder.readHeader(empty)).hasMessage("empty image: no bytes");
        Path full = Files.write(dir.resolve("full.png"), png);
        assertThatThrownBy(() -> new ImageDecoder(new ImageLimits(100, 8192, 8192, 1_000_000)).readHeader(full))
                .hasMessage("image of " + png.length + " bytes is over the limit of 100 bytes");
        assertThat(decoder.decode(full, ColorMode.GRAYSCALE).pixels()).hasSize(1600 * 256);
    }

    @Test
    void grayLabelMapsKeepTheirValuesInEveryMode() throws IOException {
        byte[] mask = Files.readAllBytes(SharedData.require("neu-seg").resolve("masks").resolve("000001.png"));
        DecodedImage gray = decoder.decode(mask, ColorMode.GRAYSCALE);
        DecodedImage rgb = decoder.decode(mask, ColorMode.RGB);
        BufferedImage reference = ImageIO.read(new java.io.ByteArrayInputStream(mask));

        int nonZero = 0;
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                int label = reference.getRaster().getSample(x, y, 0);
                nonZero += label == 0 ? 0 : 1;
                assertThat(gray.sample(y, x, 0)).isEqualTo(label);
                // Not gamma-shifted on the way to RGB (BufferedImage.getRGB would turn 1 into 13).
                assertThat(new int[] {rgb.sample(y, x, 0), rgb.sample(y, x, 1), rgb.sample(y, x, 2)})
                        .containsExactly(label, label, label);
            }
        }
        assertThat(nonZero).isPositive();
    }

    @Test
    void grayAndSixteenBitPngsScaleToEightBitsWithoutGammaShift() throws IOException {
        BufferedImage eight = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        eight.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {10, 128, 255});
        BufferedImage sixteen = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        sixteen.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 10 * 257, 128 * 257, 65535});

        DecodedImage eightRgb = decoder.decode(png(eight), ColorMode.RGB);
        assertThat(eightRgb.pixels()).containsExactly(10, 10, 10, (byte) 128, (byte) 128, (byte) 128, -1, -1, -1);
        DecodedImage sixteenGray = decoder.decode(png(sixteen), ColorMode.GRAYSCALE);
        assertThat(new int[] {sixteenGray.sample(0, 0, 0), sixteenGray.sample(0, 1, 0), sixteenGray.sample(0, 2, 0),
                sixteenGray.sample(0, 3, 0)}).containsExactly(0, 10, 128, 255);
    }

    @Test
    void oneChannelJpegsDecodeToTheSameGrayInBothModes() throws IOException {
        BufferedImage gradient = new BufferedImage(64, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                gradient.getRaster().setSample(x, y, 0, 40 + 2 * x + y);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(gradient, "jpg", out)).isTrue();
        byte[] jpeg = out.toByteArray();
        assertThat(ImageFormat.sniff(jpeg)).contains(ImageFormat.JPEG);

        DecodedImage gray = decoder.decode(jpeg, ColorMode.GRAYSCALE);
        DecodedImage rgb = decoder.decode(jpeg, ColorMode.RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                assertThat(gray.sample(y, x, 0)).isCloseTo(40 + 2 * x + y, org.assertj.core.api.Assertions.within(4));
                assertThat(rgb.sample(y, x, 1)).isEqualTo(gray.sample(y, x, 0));
            }
        }
    }

    @Test
    void palettePngsDecodeToTheirColours() throws IOException {
        IndexColorModel palette = new IndexColorModel(2, 3, new byte[] {0, (byte) 255, 10}, new byte[] {0, 0, 20},
                new byte[] {0, 0, (byte) 200});
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        indexed.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 1, 2});

        DecodedImage rgb = decoder.decode(png(indexed), ColorMode.RGB);

        assertThat(rgb.pixels()).containsExactly(0, 0, 0, -1, 0, 0, 10, 20, (byte) 200);
        DecodedImage gray = decoder.decode(png(indexed), ColorMode.GRAYSCALE);
        assertThat(gray.sample(0, 1, 0)).isEqualTo(76); // 0.299 * 255
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    /** Offset of the first start-of-frame marker (FF C0, C1 or C2) of a JPEG. */
    private static int startOfFrame(byte[] jpeg) {
        for (int code = 0xC0; code <= 0xC2; code++) {
            int at = marker(jpeg, code);
            if (at >= 0) {
                return at;
            }
        }
        throw new AssertionError("no start-of-frame marker");
    }

    /** Offset of the first FF {@code code} marker segment, walking the segments from SOI; -1 if absent. */
    private static int marker(byte[] jpeg, int code) {
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xff) == 0xFF) {
            if ((jpeg[at + 1] & 0xff) == code) {
                return at;
            }
            if ((jpeg[at + 1] & 0xff) == 0xDA) {
                return -1; // entropy-coded data follows; no more segments to walk
            }
            at += 2 + (((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff));
        }
        return -1;
    }

    /** A PNG whose IHDR claims the given size (valid CRC), followed by a tiny IDAT and IEND. */
    private static byte[] pngClaiming(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12 + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, ihdr.array());
        chunk(png, "IDAT".getBytes());
        chunk(png, "IEND".getBytes());
        return png.array();
    }

    private static void chunk(ByteBuffer png, byte[] typeAndData) {
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        png.putInt(typeAndData.length - 4).put(typeAndData).putInt((int) crc.getValue());
    }
}
