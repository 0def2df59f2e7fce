package dev.coilsight.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class LabelProblemsTest {

    @TempDir
    Path dataset;

    /** What {@code warn} says of a one-image Severstal data set with these rows under train.csv's header. */
    private String warningFor(String rows) throws Exception {
        Files.createDirectories(dataset.resolve("train_images"));
        ImageIO.write(new BufferedImage(1600, 256, BufferedImage.TYPE_BYTE_GRAY), "png", dataset.resolve("train_images/a.jpg").toFile());
        Files.writeString(dataset.resolve("train.csv"), "ImageId,ClassId,EncodedPixels\n" + rows);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LabelProblems.warn("train", Datasets.open(dataset), new PrintStream(err, true, StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void labelRowsThatCannotBeUsedAreSaidNotDroppedUnsaid() throws Exception {
        assertThat(warningFor("a.jpg,3,1 10\na.jpg,9,20 5\n")).startsWith("train: 1 label row(s) could not be used and are left out")
                .contains("class 9").contains("./coilsight explore");
    }

    @Test
    void aDataSetWhoseLabelsAreAllUsableSaysNothing() throws Exception {
        assertThat(warningFor("a.jpg,3,1 10\n")).isEmpty();
    }
}
