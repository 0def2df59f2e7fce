package dev.coilsight.core.rle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.testsupport.SharedData;

class KaggleCsvTest {

    private static List<RleRow> read(String csv) throws IOException {
        List<RleRow> rows = new ArrayList<>();
        KaggleCsv.forEachRow(new StringReader(csv), "test.csv", rows::add);
        return rows;
    }

    @Test
    void readsTheRealSampleInTheNewLayout() {
        Path csv = SharedData.require("severstal-sample").resolve("train.csv");
        List<RleRow> rows = new ArrayList<>();

        assertThat(KaggleCsv.forEachRow(csv, rows::add)).isEqualTo(KaggleCsv.Layout.IMAGE_CLASS);
        assertThat(rows).hasSize(14);
        assertThat(rows.stream().filter(r -> r.classId() == 3)).hasSize(7);
        assertThat(rows.get(0).line()).isEqualTo(2);
    }

    @Test
    void oldLayoutReadsFourRowsPerImageAndSkipsEmptyMasks() throws IOException {
        List<RleRow> rows = read("""
                ImageId_ClassId,EncodedPixels
                0002cc93b.jpg_1,29102 12 29346 24
                0002cc93b.jpg_2,
                0002cc93b.jpg_3,
                0002cc93b.jpg_4,
                00031f466.jpg_1,
                00031f466.jpg_2,
                00031f466.jpg_3,5 3
                00031f466.jpg_4,
                """);

        assertThat(rows).containsExactly(
                new RleRow("0002cc93b.jpg", 1, "29102 12 29346 24", 2),
                new RleRow("00031f466.jpg", 3, "5 3", 8));
    }

    @Test
    void bothLayoutsRoundTripThroughTheWriter(@TempDir Path dir) throws IOException {
        List<RleRow> original = KaggleCsv.readAll(SharedData.require("severstal-sample").resolve("train.csv"));
        List<String> images;
        try (var files = Files.list(SharedData.require("severstal-sample").resolve("train_images"))) {
            images = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Path newLayout = dir.resolve("new.csv");
        Path oldLayout = dir.resolve("old.csv");
        try (var out = Files.newBufferedWriter(newLayout)) {
            KaggleCsv.writeImageClass(out, original);
        }
        try (var out = Files.newBufferedWriter(oldLayout)) {
            KaggleCsv.writeImageUnderscoreClass(out, images, original, 4);
        }

        List<String> oldLines = Files.readAllLines(oldLayout);
        assertThat(oldLines).hasSize(1 + 16 * 4);
        assertThat(oldLines.get(0)).isEqualTo("ImageId_ClassId,EncodedPixels");
        // 000789191.jpg is defect-free: four rows, all empty.
        assertThat(oldLines.subList(1, 5)).containsExactly("000789191.jpg_1,", "000789191.jpg_2,", "000789191.jpg_3,",
                "000789191.jpg_4,");
        assertThat(oldLines).filteredOn(line -> !line.endsWith(",")).hasSize(1 + original.size());
        assertThat(strip(KaggleCsv.readAll(newLayout))).containsExactlyElementsOf(strip(original));
        assertThat(strip(KaggleCsv.readAll(oldLayout))).containsExactlyInAnyOrderElementsOf(strip(original));
    }

    private static List<RleRow> strip(List<RleRow> rows) {
        return rows.stream().map(r -> new RleRow(r.imageId(), r.classId(), r.rle())).toList();
    }

    @Test
    void badInputIsNamedWithTheLine() {
        assertThatThrownBy(() -> read("Image,Class,Pixels\n"))
                .isInstanceOf(KaggleCsvException.class)
                .hasMessageContaining("test.csv: line 1: unknown header");
        assertThatThrownBy(() -> read("ImageId,ClassId,EncodedPixels\na.jpg,1,1 2\nb.jpg,one,1 2\n"))
                .hasMessage("test.csv: line 3: ClassId 'one' is not a class number (1, 2, ...)");
        assertThatThrownBy(() -> read("ImageId,ClassId,EncodedPixels\na.jpg,1\n"))
                .hasMessageContaining("line 2: 2 columns, expected 3");
        assertThatThrownBy(() -> read("ImageId_ClassId,EncodedPixels\na.jpg,1 2\n"))
                .hasMessageContaining("line 2: 'a.jpg' is not ImageId_ClassId");
        assertThatThrownBy(() -> read(""))
                .hasMessageContaining("empty file");
    }

    @Test
    void writerWritesTheNewLayoutHeader() throws IOException {
        StringWriter out = new StringWriter();
        KaggleCsv.writeImageClass(out, List.of(new RleRow("a.jpg", 2, "1 2"), new RleRow("b.jpg", 1, "")));
        assertThat(out.toString()).isEqualTo("ImageId,ClassId,EncodedPixels\na.jpg,2,1 2\n");
    }

    @Test
    void writerRefusesACellThatWouldSplitItsRow() {
        assertThatThrownBy(() -> KaggleCsv.writeImageClass(new StringWriter(), List.of(new RleRow("a.jpg", 2, "1 3\n500 20"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RLE of image a.jpg, class 2");
        assertThatThrownBy(() -> KaggleCsv.writeImageClass(new StringWriter(), List.of(new RleRow("a,b.jpg", 2, "1 3"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image id");
        assertThatThrownBy(() -> KaggleCsv.writeImageUnderscoreClass(new StringWriter(), List.of("a,b.jpg"), List.of(), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image id");
    }

    @Test
    void writerRefusesAnImageIdTheReaderWouldReadBackChanged() throws IOException {
        // The reader trims and unquotes every cell: these ids would come back naming another image.
        assertThat(read("ImageId,ClassId,EncodedPixels\n a.jpg ,1,1 2\n\"b.jpg\",1,1 2\n")).extracting(RleRow::imageId)
                .containsExactly("a.jpg", "b.jpg");
        for (String id : List.of(" a.jpg", "a.jpg ", "\"b.jpg\"", "c\".jpg", "")) {
            assertThat(KaggleCsv.imageIdProblem(id)).as(id).isPresent();
            assertThatThrownBy(() -> KaggleCsv.writeImageClass(new StringWriter(), List.of(new RleRow(id, 1, "1 2"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image id '" + id + "'");
            assertThatThrownBy(() -> KaggleCsv.writeImageUnderscoreClass(new StringWriter(), List.of(id), List.of(), 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image id '" + id + "'");
        }
        assertThat(KaggleCsv.imageIdProblem("0002cc93b.jpg")).isEmpty();
        assertThat(KaggleCsv.imageIdProblem("coil 7_line-2.png")).as("inner spaces and underscores read back").isEmpty();
    }

    @Test
    void oldLayoutWriterRefusesRowsItCannotWrite() {
        List<String> images = List.of("a.jpg");
        assertThatThrownBy(() -> KaggleCsv.writeImageUnderscoreClass(new StringWriter(), images,
                List.of(new RleRow("b.jpg", 1, "1 2")), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row for image b.jpg class 1 names an image outside the 1 images to write");
        assertThatThrownBy(() -> KaggleCsv.writeImageUnderscoreClass(new StringWriter(), images,
                List.of(new RleRow("a.jpg", 5, "1 2")), 4))
                .hasMessage("row for image a.jpg has class 5, outside 1..4");
        assertThatThrownBy(() -> KaggleCsv.writeImageUnderscoreClass(new StringWriter(), images,
                List.of(new RleRow("a.jpg", 2, "1 2"), new RleRow("a.jpg", 2, "5 2")), 4))
                .hasMessage("two rows for image a.jpg class 2");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> KaggleCsv.readAll(missing))
                .isInstanceOf(KaggleCsvException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void headerVariantsAreAccepted() throws IOException {
        // A byte-order mark and quoted cells, as spreadsheet exports write them.
        assertThat(read("\uFEFF\"ImageId\",\"ClassId\",\"EncodedPixels\"\n\"a.jpg\",\"3\",\"1 2\"\n"))
                .containsExactly(new RleRow("a.jpg", 3, "1 2", 2));
        // Windows line ends and blank lines.
        assertThat(read("ImageId_ClassId,EncodedPixels\r\na.jpg_2,7 1\r\n\r\n"))
                .containsExactly(new RleRow("a.jpg", 2, "7 1", 2));
    }

    @Test
    void classIdZeroIsRefused() {
        assertThatThrownBy(() -> read("ImageId_ClassId,EncodedPixels\na.jpg_0,1 2\n"))
                .isInstanceOf(KaggleCsvException.class)
                .hasMessage("test.csv: line 2: ClassId '0' is not a class number (1, 2, ...)");
    }

    @Test
    void rowsStreamInFileOrderWithoutCollectingThem() throws IOException {
        StringBuilder csv = new StringBuilder("ImageId,ClassId,EncodedPixels\n");
        for (int i = 0; i < 50_000; i++) {
            csv.append("img").append(i).append(".jpg,").append(1 + i % 4).append(',').append(i + 1).append(" 1\n");
        }
        long[] seen = {0, 0};
        KaggleCsv.forEachRow(new StringReader(csv.toString()), "big.csv", row -> {
            assertThat(row.line()).isEqualTo(seen[0] + 2);
            seen[0]++;
            seen[1] += Runs.parse(row.rle(), 256, 1600).pixelCount();
        });
        assertThat(seen).containsExactly(50_000, 50_000);
    }

    @Test
    void aLenientReaderHandsBadRowsOverAndGoesOn() throws IOException {
        List<RleRow> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();

        KaggleCsv.forEachRow(new StringReader("ImageId,ClassId,EncodedPixels\na.jpg,x,1 2\nb.jpg,2,5 1\nc.jpg,1\n"),
                "lenient.csv", rows::add, e -> problems.add(e.getMessage()));

        assertThat(rows).containsExactly(new RleRow("b.jpg", 2, "5 1", 3));
        assertThat(problems).containsExactly("lenient.csv: line 2: ClassId 'x' is not a class number (1, 2, ...)",
                "lenient.csv: line 4: 2 columns, expected 3 (ImageId,ClassId,EncodedPixels)");
        // A bad header still fails: nothing after it can be read.
        assertThatThrownBy(() -> KaggleCsv.forEachRow(new StringReader("nope\n"), "h.csv", rows::add, e -> problems.add(e.getMessage())))
                .isInstanceOf(KaggleCsvException.class);
    }
}
