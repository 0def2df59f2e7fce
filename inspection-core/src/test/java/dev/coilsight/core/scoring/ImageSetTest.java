package dev.coilsight.core.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.testsupport.TestFiles;

class ImageSetTest {

    @Test
    void aFileThatCannotBeReadIsSkippedByNameNotFatal(@TempDir Path dir) throws IOException {
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("good.png").toFile());
        TestFiles.unreadable(dir.resolve("locked.png"));

        ImageSet set = ImageSet.fromDirectory(dir);

        assertThat(set.sizes()).containsOnlyKeys("good.png").containsEntry("good.png", new ImageSet.Size(6, 8));
        assertThat(set.unreadableFiles()).singleElement().asString().startsWith("locked.png: ").contains("cannot read");
        assertThat(set.skippedFiles()).containsExactlyElementsOf(set.unreadableFiles());
    }

    @Test
    void aFileThatIsNotAnImageIsSkippedButNotUnreadable(@TempDir Path dir) throws IOException {
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("good.png").toFile());
        Files.writeString(dir.resolve("notes.txt"), "not an image");

        ImageSet set = ImageSet.fromDirectory(dir);

        assertThat(set.sizes()).containsOnlyKeys("good.png");
        assertThat(set.skippedFiles()).singleElement().asString().startsWith("notes.txt: ");
        assertThat(set.unreadableFiles()).isEmpty();
    }

    @Test
    void aHiddenFileIsNoImageOfTheSetEvenAValidOneAndIsNotNamed(@TempDir Path dir) throws IOException {
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("good.png").toFile());
        ImageIO.write(new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve(".x.png").toFile());
        Files.writeString(dir.resolve(".DS_Store"), "not an image");

        ImageSet set = ImageSet.fromDirectory(dir);

        // The listing evaluate uses too (a data set's images/ or train_images/): hidden files are not files of the folder.
        assertThat(set.sizes()).containsOnlyKeys("good.png");
        assertThat(set.skippedFiles()).isEmpty();
        assertThat(dev.coilsight.core.image.ImageFolder.files(dir)).containsExactly(dir.resolve("good.png"));
    }
}
