package dev.coilsight.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.testsupport.SharedData;

class DatasetsTest {

    @Test
    void severstalLayoutUsesEveryImageAndDecodesItsRows() {
        LabeledDataset dataset = Datasets.open(SharedData.require("severstal-sample"));

        assertThat(dataset.layout()).isEqualTo(DatasetLayout.SEVERSTAL);
        assertThat(dataset.imageIds()).hasSize(16).contains("000789191.jpg");
        assertThat(dataset.masks("000789191.jpg", 256, 1600)).as("no rows: defect-free").isEmpty();
        Map<Integer, BinaryMask> masks = dataset.masks("0030401a5.jpg", 256, 1600);
        assertThat(masks).containsOnlyKeys(4);
        assertThat(masks.get(4).pixelCount()).isPositive();
        assertThat(dataset.classNames()).containsOnlyKeys(1, 2, 3, 4);
        assertThat(dataset.labelProblems()).isEmpty();
    }

    @Test
    void aSeverstalLayoutWithClassesTxtTakesItsClassesSoThatAnotherLinesReviewsKeepTheirFifthClass(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("train_images"));
        ImageIO.write(new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY), "png", root.resolve("train_images").resolve("t.png").toFile());
        Files.writeString(root.resolve("train.csv"), "ImageId,ClassId,EncodedPixels\nt.png,5,1 2\nt.png,7,4 1\n");
        Files.writeString(root.resolve("classes.txt"), "1 class 1\n2 class 2\n3 class 3\n4 class 4\n5 uneven\n");

        LabeledDataset dataset = Datasets.open(root);

        assertThat(dataset.classNames()).containsOnlyKeys(1, 2, 3, 4, 5).containsEntry(5, "uneven");
        assertThat(dataset.masks("t.png", 3, 4)).containsOnlyKeys(5);
        assertThat(dataset.labelProblems()).singleElement().asString().contains("line 3").contains("class 7 is not among the classes");
    }

    @Test
    void maskFolderLayoutWithASplitList() {
        Path root = SharedData.require("neu-seg");
        LabeledDataset all = Datasets.open(root);
        LabeledDataset val = Datasets.open(root, Optional.of(root.resolve("val.txt")));

        assertThat(all.layout()).isEqualTo(DatasetLayout.MASK_FOLDER);
        assertThat(all.imageIds()).hasSize(4023);
        assertThat(val.imageIds()).hasSize(894);
        String first = val.imageIds().get(0);
        Map<Integer, BinaryMask> masks = val.masks(first, 200, 200);
        assertThat(masks).isNotEmpty();
        assertThat(masks.keySet()).allSatisfy(c -> assertThat(c).isBetween(1, 3));
    }

    @Test
    void labelPngValuesBecomeClassMasksAndClassesTxtNamesThem(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("masks"));
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(image, "png", root.resolve("images").resolve("a.png").toFile());
        BufferedImage labels = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        labels.getRaster().setSample(0, 0, 0, 2);
        labels.getRaster().setSample(1, 0, 0, 2);
        labels.getRaster().setSample(3, 2, 0, 5);
        ImageIO.write(labels, "png", root.resolve("masks").resolve("a.png").toFile());
        Files.writeString(root.resolve("classes.txt"), "# id name\n2 rolled-in scale\n5 crazing\n");

        LabeledDataset dataset = Datasets.open(root);
        Map<Integer, BinaryMask> masks = dataset.masks("a.png", 3, 4);

        assertThat(dataset.classNames()).containsEntry(2, "rolled-in scale").containsEntry(5, "crazing");
        assertThat(masks).containsOnlyKeys(2, 5);
        assertThat(masks.get(2).get(0, 0)).isTrue();
        assertThat(masks.get(2).get(0, 1)).isTrue();
        assertThat(masks.get(2).pixelCount()).isEqualTo(2);
        assertThat(masks.get(5).get(2, 3)).isTrue();
        assertThatThrownBy(() -> dataset.masks("a.png", 4, 4)).hasMessageContaining("is 4x3 but its image is 4x4");
    }

    @Test
    void sixteenBitAndPaletteLabelsAreReadAsTheirRawValuesAndColourLabelsAreRefused(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("masks"));
        for (String id : List.of("deep", "palette", "colour")) {
            ImageIO.write(new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY), "png", root.resolve("images").resolve(id + ".png").toFile());
        }
        BufferedImage deep = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(1, 1, 0, 1);
        ImageIO.write(deep, "png", root.resolve("masks").resolve("deep.png").toFile());
        // A VOC-style palette: index 1 drawn dark red, whose luminance would be 38.
        byte[] red = {0, (byte) 128, 0}, green = {0, 0, (byte) 128}, blue = {0, 0, 0};
        BufferedImage palette = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_INDEXED, new java.awt.image.IndexColorModel(8, 3, red, green, blue));
        palette.getRaster().setSample(2, 0, 0, 1);
        palette.getRaster().setSample(3, 2, 0, 2);
        ImageIO.write(palette, "png", root.resolve("masks").resolve("palette.png").toFile());
        BufferedImage colour = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(0, 0, 0x800000);
        ImageIO.write(colour, "png", root.resolve("masks").resolve("colour.png").toFile());

        LabeledDataset dataset = Datasets.open(root);

        Map<Integer, BinaryMask> fromDeep = dataset.masks("deep.png", 3, 4);
        assertThat(fromDeep).containsOnlyKeys(1);
        assertThat(fromDeep.get(1).get(1, 1)).isTrue();
        Map<Integer, BinaryMask> fromPalette = dataset.masks("palette.png", 3, 4);
        assertThat(fromPalette).containsOnlyKeys(1, 2);
        assertThat(fromPalette.get(1).get(0, 2)).isTrue();
        assertThat(fromPalette.get(2).get(2, 3)).isTrue();
        assertThatThrownBy(() -> dataset.masks("colour.png", 3, 4)).hasMessageContaining("is a colour image");
    }

    @Test
    void unknownLayoutsAndBadSplitsAreNamed(@TempDir Path root) throws IOException {
        assertThatThrownBy(() -> Datasets.open(root.resolve("nope"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Datasets.open(root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("train.csv + train_images/").hasMessageContaining("images/ + masks/");

        Path split = root.resolve("split.txt");
        Files.writeString(split, "000789191\nnot-there\n");
        assertThatThrownBy(() -> Datasets.open(SharedData.require("severstal-sample"), Optional.of(split)))
                .hasMessageContaining("names 1 image(s) not in the dataset, e.g. not-there");
    }
}
