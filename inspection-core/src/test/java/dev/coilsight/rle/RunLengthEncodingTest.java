package dev.coilsight.rle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coilsight.testsupport.SharedData;

class RunLengthEncodingTest {

    private static final int H = 256;
    private static final int W = 1600;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"severstal-sample", "severstal-train"})
    void everyRealGroundTruthRowDecodesAndReEncodesToTheSameString(String dataset) {
        Path csv = SharedData.require(dataset).resolve("train.csv");
        List<RleRow> rows = KaggleCsv.readAll(csv);
        assertThat(rows).isNotEmpty();

        for (RleRow row : rows) {
            BinaryMask mask = RunLengthEncoding.decode(row.rle(), H, W);
            long lengths = 0;
            String[] values = row.rle().split(" ");
            for (int i = 1; i < values.length; i += 2) {
                lengths += Long.parseLong(values[i]);
            }
            assertThat(RunLengthEncoding.encode(mask)).as("%s class %d", row.imageId(), row.classId()).isEqualTo(row.rle());
            assertThat(mask.pixelCount()).isEqualTo(lengths).isPositive();
            assertThat(RunLengthEncoding.runsOf(mask).toRle()).isEqualTo(row.rle());
        }
    }

    @Test
    void pixelsAreNumberedFromOneTopToBottomThenLeftToRight() {
        BinaryMask mask = new BinaryMask(3, 4);
        mask.set(0, 0, true);   // pixel 1
        mask.set(1, 0, true);   // pixel 2
        mask.set(2, 1, true);   // pixel 6
        mask.set(0, 2, true);   // pixel 7
        mask.set(2, 3, true);   // pixel 12, the last

        assertThat(RunLengthEncoding.encode(mask)).isEqualTo("1 2 6 2 12 1");
        assertThat(RunLengthEncoding.decode("1 2 6 2 12 1", 3, 4)).isEqualTo(mask);
    }

    @Test
    void emptyMaskIsTheEmptyString() {
        assertThat(RunLengthEncoding.encode(new BinaryMask(256, 1600))).isEmpty();
        assertThat(RunLengthEncoding.decode("", 256, 1600).isEmpty()).isTrue();
        assertThat(RunLengthEncoding.decode("  ", 256, 1600).isEmpty()).isTrue();
    }

    @Test
    void touchingRunsDecodeAndAreWrittenAsOne() {
        BinaryMask mask = RunLengthEncoding.decode("1 3 4 2", 2, 4);
        assertThat(mask.pixelCount()).isEqualTo(5);
        assertThat(RunLengthEncoding.encode(mask)).isEqualTo("1 5");
    }

    static Stream<Arguments> randomMasks() {
        return Stream.of(0.0, 0.001, 0.05, 0.3, 0.5, 0.9, 1.0)
                .flatMap(density -> Stream.of(1L, 2L, 3L, 4L, 5L).map(seed -> Arguments.of(density, seed)));
    }

    @ParameterizedTest(name = "density {0}, seed {1}")
    @MethodSource("randomMasks")
    void decodeOfEncodeIsTheIdentity(double density, long seed) {
        Random random = new Random(seed);
        int height = 1 + random.nextInt(300);
        int width = 1 + random.nextInt(300);
        BinaryMask mask = new BinaryMask(height, width);
        // Blobs and speckle: runs of random length, so both long and one-pixel runs appear.
        for (int col = 0; col < width; col++) {
            for (int row = 0; row < height; row++) {
                if (random.nextDouble() < density) {
                    mask.set(row, col, true);
                }
            }
        }
        String rle = RunLengthEncoding.encode(mask);

        assertThat(RunLengthEncoding.decode(rle, height, width)).isEqualTo(mask);
        assertThat(Runs.parse(rle, (long) height * width).pixelCount()).isEqualTo(mask.pixelCount());
    }

    @Test
    void edgeMasksRoundTrip() {
        for (int[] pixel : new int[][] {{0, 0}, {255, 1599}, {255, 0}, {0, 1599}}) {
            BinaryMask mask = new BinaryMask(H, W);
            mask.set(pixel[0], pixel[1], true);
            assertThat(RunLengthEncoding.decode(RunLengthEncoding.encode(mask), H, W)).isEqualTo(mask);
        }
        BinaryMask full = new BinaryMask(H, W);
        java.util.Arrays.fill(full.columnMajor(), (byte) 1);
        assertThat(RunLengthEncoding.encode(full)).isEqualTo("1 409600");
        BinaryMask alternating = new BinaryMask(H, W);
        for (int i = 0; i < alternating.columnMajor().length; i += 2) {
            alternating.columnMajor()[i] = 1;
        }
        String rle = RunLengthEncoding.encode(alternating);
        assertThat(rle).startsWith("1 1 3 1 5 1").endsWith("409599 1");
        assertThat(RunLengthEncoding.decode(rle, H, W)).isEqualTo(alternating);
    }

    @Test
    void oddNumberOfValuesNamesTheLonelyStart() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("1 3 10", H, W))
                .isInstanceOf(RleFormatException.class)
                .hasMessage("odd number of values (3): pair 2 (start 10) has no length");
    }

    @Test
    void startOutOfRangeIsNamed() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("1 3 409601 5", H, W))
                .isInstanceOf(RleFormatException.class)
                .hasMessage("pair 2 (start 409601, length 5): start past the last pixel 409600");
        assertThatThrownBy(() -> RunLengthEncoding.decode("0 3", H, W))
                .hasMessageContaining("pair 1 (start 0, length 3): start must be >= 1");
    }

    @Test
    void runPastTheEndIsNamed() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("409590 20", H, W))
                .isInstanceOf(RleFormatException.class)
                .hasMessage("pair 1 (start 409590, length 20): run ends at pixel 409609, past the last pixel 409600");
    }

    @Test
    void zeroLengthIsNamed() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("5 2 10 0", H, W))
                .hasMessage("pair 2 (start 10, length 0): length must be >= 1");
    }

    @Test
    void unsortedRunsAreNamed() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("100 5 50 5", H, W))
                .isInstanceOf(RleFormatException.class)
                .hasMessage("pair 2 (start 50, length 5): unsorted, starts before pair 1 (start 100)");
    }

    @Test
    void overlappingRunsAreNamed() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("100 10 105 5", H, W))
                .isInstanceOf(RleFormatException.class)
                .hasMessage("pair 2 (start 105, length 5): overlaps pair 1 (start 100, length 10, ends at 109)");
    }

    @Test
    void nonNumbersAreNamed() {
        assertThatThrownBy(() -> RunLengthEncoding.decode("1 3 x7 2", H, W))
                .isInstanceOf(RleFormatException.class)
                .hasMessage("value 3 ('x7', pair 2) is not a whole number");
        assertThatThrownBy(() -> RunLengthEncoding.decode("1 -3", H, W))
                .hasMessageContaining("'-3'");
        assertThatThrownBy(() -> RunLengthEncoding.decode("99999999999 1", H, W))
                .hasMessageContaining("too large");
    }

    @Test
    void intersectionOfRunsCountsSharedPixels() {
        Runs a = Runs.parse("1 10 20 5", 100);
        Runs b = Runs.parse("5 10 22 1 30 3", 100);
        // shared: 5..10 (6 px) + 22 (1 px)
        assertThat(a.intersectionSize(b)).isEqualTo(7);
        assertThat(b.intersectionSize(a)).isEqualTo(7);
        assertThat(a.intersectionSize(Runs.empty())).isZero();
    }
}
