package dev.coilsight.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.Records;
import dev.coilsight.analytics.coilmap.MappedImage;

/** A report's image: the photo (or a dark frame), each class mask blended over it in its colour, nothing else touched. */
class CoilReportOverlayTest {

    private static final int WIDTH = 7;
    private static final int HEIGHT = 5;

    @Test
    void masksAreBlendedOverTheGreyPhotoInTheirClassColourAndOtherPixelsKeepThePhoto() throws Exception {
        BufferedImage photo = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                photo.getRaster().setSample(x, y, 0, 30 * y + 5 * x);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(photo, "png", png);
        // Class 1 on column 0, rows 0-2; class 3 on column 2, rows 1-4 (Kaggle RLE runs down columns from pixel 1).
        MappedImage image = mapped(new MappedImage.Mask(1, "a", "1 3", 3), new MappedImage.Mask(3, "c", "12 4", 4));

        BufferedImage out = ImageIO.read(new ByteArrayInputStream(CoilReportPage.overlay(image,
                Records.defectiveImage("coil-1", "img-1", 0, png.toByteArray(), WIDTH, HEIGHT))));

        assertThat(out.getWidth()).isEqualTo(WIDTH);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int base = photo.getRGB(x, y) & 0xffffff;
                int expected = x == 0 && y <= 2 ? blend(base, 1) : x == 2 && y >= 1 ? blend(base, 3) : base;
                assertThat(out.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(expected);
            }
        }
    }

    @Test
    void withoutThePhotoTheMasksLieOnADarkFrame() throws Exception {
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(CoilReportPage.overlay(mapped(new MappedImage.Mask(2, "b", "6 2", 2)), null)));
        assertThat(out.getRGB(1, 0) & 0xffffff).isEqualTo(blend(0x202a35, 2));
        assertThat(out.getRGB(1, 1) & 0xffffff).isEqualTo(blend(0x202a35, 2));
        assertThat(out.getRGB(1, 2) & 0xffffff).isEqualTo(0x202a35);
        assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo(0x202a35);
    }

    private static MappedImage mapped(MappedImage.Mask... masks) {
        return new MappedImage("img-1", "cam-1", 0, 100, WIDTH, HEIGHT, List.of(), List.of(masks));
    }

    private static int blend(int rgb, int classId) {
        int[] c = CoilReportPage.colour(classId);
        int r = (int) (0.45 * ((rgb >> 16) & 0xff) + 0.55 * c[0]);
        int g = (int) (0.45 * ((rgb >> 8) & 0xff) + 0.55 * c[1]);
        int b = (int) (0.45 * (rgb & 0xff) + 0.55 * c[2]);
        return (r << 16) | (g << 8) | b;
    }
}
