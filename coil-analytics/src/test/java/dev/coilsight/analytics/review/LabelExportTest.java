package dev.coilsight.analytics.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.ReviewMask;
import dev.coilsight.schemas.ReviewVerdict;

class LabelExportTest {

    @TempDir
    Path dir;

    private static DefectReviewed review(String imageId, String line, long at, ReviewVerdict verdict, String rle) {
        List<ReviewMask> masks = rle == null ? List.of() : List.of(new ReviewMask(2, "class 2", rle, 1L));
        return DefectReviewed.newBuilder().setReviewId(imageId + "-" + at).setImageId(imageId).setCoilId("c1").setLineId(line)
                .setReviewer("alice").setReviewedAt(Instant.ofEpochMilli(at)).setVerdict(verdict).setWidth(4).setHeight(4)
                .setModelMasks(List.of()).setReviewedMasks(masks).setImageEncoding(ImageEncoding.PNG)
                .setImageBytes(ByteBuffer.wrap(("bytes of " + imageId).getBytes(StandardCharsets.UTF_8))).build();
    }

    @Test
    void theLastReviewStoredOfAnImageIsItsLabelWhateverItsClockSaidAndARejectedImageIsDefectFree() throws Exception {
        LabelExport export = new LabelExport(dir.resolve("out"), Optional.of(Instant.ofEpochMilli(100)), Optional.of("L1"));
        export.accept(review("a.png", "L1", 300, ReviewVerdict.REJECTED, null));
        // stored later by an instance whose clock is behind: reviews of a coil are read in the order they were stored
        export.accept(review("a.png", "L1", 200, ReviewVerdict.CORRECTED, "1 3"));
        export.accept(review("b.png", "L1", 150, ReviewVerdict.REJECTED, null));
        export.accept(review("c.png", "L2", 150, ReviewVerdict.CORRECTED, "2 2")); // another line
        export.accept(review("d.png", "L1", 50, ReviewVerdict.CORRECTED, "2 2")); // before --since
        LabelExport.Summary summary = export.finish();
        assertThat(summary).isEqualTo(new LabelExport.Summary(5, 2, 1, 1));
        assertThat(Files.readAllLines(dir.resolve("out/train.csv"))).containsExactly("ImageId,ClassId,EncodedPixels", "a.png,2,1 3");
        assertThat(dir.resolve("out/train_images")).isDirectoryContaining("glob:**/a.png").isDirectoryContaining("glob:**/b.png")
                .isDirectoryNotContaining("glob:**/c.png");
        assertThat(Files.readString(dir.resolve("out/train_images/b.png"))).isEqualTo("bytes of b.png");
    }

    @Test
    void aFifthClassReviewedOnAnotherLineIsNamedInClassesTxtAndReadBackByTheTrainersReader() throws Exception {
        LabelExport export = new LabelExport(dir.resolve("out"), Optional.empty(), Optional.empty());
        export.accept(DefectReviewed.newBuilder(review("t.png", "tiles", 100, ReviewVerdict.CORRECTED, null))
                .setReviewedMasks(List.of(new ReviewMask(5, "uneven", "2 3", 3L))).build());
        export.accept(review("u.png", "tiles", 100, ReviewVerdict.CORRECTED, "1 1\n3 1")); // stored over two lines
        export.finish();

        assertThat(Files.readAllLines(dir.resolve("out/train.csv"))).contains("u.png,2,1 1 3 1");
        assertThat(Files.readAllLines(dir.resolve("out/classes.txt")))
                .containsExactly("1 class 1", "2 class 2", "3 class 3", "4 class 4", "5 uneven");
        LabeledDataset dataset = Datasets.open(dir.resolve("out"));
        assertThat(dataset.labelProblems()).isEmpty();
        assertThat(dataset.classNames()).containsEntry(5, "uneven");
        assertThat(dataset.masks("t.png", 4, 4)).containsOnlyKeys(5);
        assertThat(dataset.masks("t.png", 4, 4).get(5).pixelCount()).isEqualTo(3);
    }

    @Test
    void unsafeImageIdsBecomeSafeDistinctFileNames() {
        String slash = LabelExport.fileName("../etc/passwd", ImageEncoding.JPEG);
        String colon = LabelExport.fileName("..:etc:passwd", ImageEncoding.JPEG);
        assertThat(slash).matches("[A-Za-z0-9._-]+\\.jpg").doesNotStartWith(".").isNotEqualTo(colon);
        assertThat(LabelExport.fileName("0030401a5.jpg", ImageEncoding.JPEG)).isEqualTo("0030401a5.jpg");
        assertThat(LabelExport.fileName("9f2c", ImageEncoding.PNG)).isEqualTo("9f2c.png");
    }

    @Test
    void aFolderHoldingAnEarlierExportIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("old/train_images"));
        Files.writeString(dir.resolve("old/train.csv"), "ImageId,ClassId,EncodedPixels\n");
        assertThatThrownBy(() -> new LabelExport(dir.resolve("old"), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a data set");
        Files.createDirectories(dir.resolve("half/train_images"));
        Files.writeString(dir.resolve("half/train_images/x.png"), "x");
        assertThatThrownBy(() -> new LabelExport(dir.resolve("half"), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("export stopped half-way")
                .hasMessageContaining("delete " + dir.resolve("half/train_images"));
    }

    @Test
    void anExportThatFailsLeavesNothingThatARerunWouldRefuse() {
        LabelExport failing = new LabelExport(dir.resolve("out"), Optional.empty(), Optional.empty());
        failing.accept(review("a.png", "L1", 300, ReviewVerdict.CORRECTED, "1 3"));
        failing.abandon();

        LabelExport again = new LabelExport(dir.resolve("out"), Optional.empty(), Optional.empty());
        again.accept(review("a.png", "L1", 300, ReviewVerdict.CORRECTED, "1 3"));
        assertThat(again.finish().images()).isEqualTo(1);
    }

    @Test
    void anExportThatFailsWhileWritingItsLabelsLeavesNoTrainCsvAndNothingARerunWouldRefuse() throws Exception {
        LabelExport failing = new LabelExport(dir.resolve("out"), Optional.empty(), Optional.empty());
        failing.accept(review("a.png", "L1", 300, ReviewVerdict.CORRECTED, "1 3"));
        Files.createDirectories(dir.resolve("out/train.csv.partial")); // where train.csv is written first: the write fails

        assertThatThrownBy(failing::finish).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("train.csv");
        assertThat(dir.resolve("out/train.csv")).as("no data set that looks finished").doesNotExist();
        Files.delete(dir.resolve("out/train.csv.partial"));
        failing.abandon();

        LabelExport again = new LabelExport(dir.resolve("out"), Optional.empty(), Optional.empty());
        again.accept(review("a.png", "L1", 300, ReviewVerdict.CORRECTED, "1 3"));
        assertThat(again.finish().masks()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("out/train.csv"))).containsExactly("ImageId,ClassId,EncodedPixels", "a.png,2,1 3");
    }
}
