package dev.coilsight.core.rle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
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
        assertThat(rows).hasSize(dataset.equals("severstal-sample") ? 14 : 76);

        for (RleRow row : rows) {
            BinaryMask mask = RunLengthEncoding.decode(row.rle(), H, W);
            long lengths = 0;
            String[] values = row.rle().split(" ");
            for (int i = 1; i < values.length; i += 2) {
                lengths += Long.parseLong(values[i]);
            }
            assertThat(RunLengthEncoding.encode(mask)).as("%s class %d", row.imageId(), row.classId()).isEqualTo(row.rle());
            assertThat(mask.pixelCount()).isEqualTo(lengths).isPositive();
            assertThat(RunLengthEncoding.pixelCount(row.rle(), H, W)).isEqualTo(lengths);
            assertThat(Runs.parse(row.rle(), H, W)).isEqualTo(RunLengthEncoding.runsOf(mask));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"severstal-sample", "severstal-train"})
    void theRealGroundTruthHasNoTouchingRuns(String dataset) {
        // Touching runs are the one case where decode-then-encode would change the string (the
        // encoder merges them); this pins down that the real labels never have them.
        for (RleRow row : KaggleCsv.readAll(SharedData.require(dataset).resolve("train.csv"))) {
            Runs runs = Runs.parse(row.rle(), H, W);
            for (int r = 1; r < runs.count(); r++) {
                assertThat(runs.start(r)).as("%s class %d run %d", row.imageId(), row.classId(), r + 1)
                        .isGreaterThan(runs.start(r - 1) + runs.length(r - 1));
            }
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
        assertThat(mask.get(2, 1)).isTrue();
        assertThat(mask.get(1, 1)).isFalse();
    }

    @Test
    void rowMajorInputIsTransposedToTheColumnMajorNumbering() {
        // 2 rows x 3 columns, row-major: row 0 = 1 0 1, row 1 = 1 1 0.
        BinaryMask mask = BinaryMask.fromRowMajor(2, 3, new byte[] {1, 0, 1, 1, (byte) 255, 0});
        // column-major pixels: (0,0)=1 (1,0)=2 (0,1)=3 (1,1)=4 (0,2)=5 (1,2)=6
        assertThat(RunLengthEncoding.encode(mask)).isEqualTo("1 2 4 2");
        assertThatThrownBy(() -> BinaryMask.fromRowMajor(2, 3, new byte[5]))
                .hasMessage("expected 6 row-major pixels for 2x3 (HxW), got 5");
    }

    @Test
    void emptyMaskIsTheEmptyString() {
        assertThat(RunLengthEncoding.encode(new BinaryMask(H, W))).isEmpty();
        assertThat(RunLengthEncoding.decode("", H, W).isEmpty()).isTrue();
        assertThat(RunLengthEncoding.decode("  ", H, W).isEmpty()).isTrue();
        assertThat(RunLengthEncoding.decode(null, H, W).isEmpty()).isTrue();
        assertThat(Runs.parse("", H, W).toRle()).isEmpty();
    }

    @Test
    void touchingRunsDecodeAndAreWrittenAsOneButRunsKeepThemAsWritten() {
        BinaryMask mask = RunLengthEncoding.decode("1 3 4 2", 2, 4);
        assertThat(mask.pixelCount()).isEqualTo(5);
        assertThat(RunLengthEncoding.encode(mask)).isEqualTo("1 5");

        Runs runs = Runs.parse("1 3 4 2", 2, 4);
        assertThat(runs.count()).isEqualTo(2);
        assertThat(runs.toRle()).isEqualTo("1 3 4 2");
        assertThat(runs.starts()).containsExactly(1, 4);
        assertThat(runs.lengths()).containsExactly(3, 2);
    }

    @Test
    void extraWhitespaceIsAcceptedButTheCanonicalFormIsSingleSpaces() {
        assertThat(Runs.parse(" 1  3\t7 2 ", 4, 4).toRle()).isEqualTo("1 3 7 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 3\u000B", "1\u20033", "1 3\u000C7 2", "1 3\u3000"})
    void otherWhitespaceIsRefusedByPositionNotParsedForEver(String rle) {
        // A vertical tab or an em space once made the parser append empty values without moving on, until memory ran out.
        assertThatThrownBy(() -> Runs.parse(rle, 4, 4)).isInstanceOf(RleFormatException.class).hasMessageContaining("is not a whole number");
    }

    /** Masks built pixel by pixel: Bernoulli noise at a density, and blobs of random run lengths. */
    static Stream<Arguments> randomMasks() {
        Stream<Arguments> noise = Stream.of(0.0, 0.001, 0.05, 0.3, 0.5, 0.9, 0.999, 1.0)
                .flatMap(density -> LongStream.rangeClosed(1, 8).mapToObj(seed -> Arguments.of("noise", density, seed)));
        Stream<Arguments> blobs = Stream.of(0.01, 0.2, 0.6)
                .flatMap(density -> LongStream.rangeClosed(1, 8).mapToObj(seed -> Arguments.of("blobs", density, seed)));
        return Stream.concat(noise, blobs);
    }

    @ParameterizedTest(name = "{0} density {1}, seed {2}")
    @MethodSource("randomMasks")
    void decodeOfEncodeIsTheIdentityAndMatchesANaiveEncoder(String kind, double density, long seed) {
        Random random = new Random(seed);
        // Odd sizes too, so masks end in the middle of the encoder's 8-byte words.
        int height = 1 + random.nextInt(300);
        int width = 1 + random.nextInt(300);
        byte[] pixels = new byte[height * width];
        if (kind.equals("noise")) {
            for (int i = 0; i < pixels.length; i++) {
                // Any non-zero byte is "on", not only 1.
                pixels[i] = random.nextDouble() < density ? (byte) (1 + random.nextInt(255)) : 0;
            }
        } else {
            for (int i = 0; i < pixels.length; ) {
                int run = 1 + random.nextInt(40);
                byte value = random.nextDouble() < density ? (byte) 1 : 0;
                Arrays.fill(pixels, i, Math.min(pixels.length, i + run), value);
                i += run;
            }
        }
        BinaryMask mask = BinaryMask.wrapColumnMajor(height, width, pixels);

        String rle = RunLengthEncoding.encode(mask);

        assertThat(rle).isEqualTo(naiveEncode(pixels));
        assertThat(RunLengthEncoding.decode(rle, height, width)).isEqualTo(mask);
        assertThat(RunLengthEncoding.pixelCount(rle, height, width)).isEqualTo(mask.pixelCount());
    }

    /** The obvious per-pixel encoder, as an oracle for the word-at-a-time one. */
    private static String naiveEncode(byte[] pixels) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pixels.length) {
            if (pixels[i] == 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < pixels.length && pixels[i] != 0) {
                i++;
            }
            out.append(out.length() == 0 ? "" : " ").append(start + 1).append(' ').append(i - start);
        }
        return out.toString();
    }

    @Test
    void singlePixelsAtEveryCornerAndWordBoundaryRoundTrip() {
        for (int[] pixel : new int[][] {{0, 0}, {255, 1599}, {255, 0}, {0, 1599}, {7, 0}, {8, 0}, {0, 1}}) {
            BinaryMask mask = new BinaryMask(H, W);
            mask.set(pixel[0], pixel[1], true);
            String rle = RunLengthEncoding.encode(mask);
            assertThat(rle).isEqualTo((pixel[1] * H + pixel[0] + 1) + " 1");
            assertThat(RunLengthEncoding.decode(rle, H, W)).isEqualTo(mask);
        }
        BinaryMask oneByOne = new BinaryMask(1, 1);
        oneByOne.set(0, 0, true);
        assertThat(RunLengthEncoding.encode(oneByOne)).isEqualTo("1 1");
    }

    @Test
    void fullAndAlternatingMasksRoundTrip() {
        BinaryMask full = new BinaryMask(H, W);
        Arrays.fill(full.columnMajor(), (byte) 1);
        assertThat(RunLengthEncoding.encode(full)).isEqualTo("1 409600");
        assertThat(RunLengthEncoding.decode("1 409600", H, W)).isEqualTo(full);

        BinaryMask alternating = new BinaryMask(H, W);
        for (int i = 0; i < alternating.columnMajor().length; i += 2) {
            alternating.columnMajor()[i] = 1;
        }
        String rle = RunLengthEncoding.encode(alternating);
        assertThat(rle).startsWith("1 1 3 1 5 1").endsWith("409597 1 409599 1");
        assertThat(Runs.parse(rle, H, W).count()).isEqualTo(204_800);
        assertThat(RunLengthEncoding.decode(rle, H, W)).isEqualTo(alternating);
    }

    @Test
    void masksCompareByPixelsNotByStoredValue() {
        BinaryMask ones = BinaryMask.wrapColumnMajor(2, 2, new byte[] {1, 0, 0, 1});
        BinaryMask other = BinaryMask.wrapColumnMajor(2, 2, new byte[] {(byte) 255, 0, 0, 7});
        assertThat(ones).isEqualTo(other).hasSameHashCodeAs(other);
        assertThat(ones).isNotEqualTo(BinaryMask.wrapColumnMajor(2, 2, new byte[] {1, 0, 1, 0}));
        assertThat(ones).isNotEqualTo(BinaryMask.wrapColumnMajor(4, 1, new byte[] {1, 0, 0, 1}));
        assertThatThrownBy(() -> ones.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("pixel (2,0) outside 2x2");
    }

    @Test
    void oddNumberOfValuesNamesTheLonelyStart() {
        assertRefused("1 3 10", "odd number of values (3): pair 2 (start 10) has no length");
    }

    @Test
    void startOutOfRangeIsNamed() {
        assertRefused("1 3 100 2 409601 5", "pair 3 (start 409601, length 5): start past the last pixel 409600 of a 256x1600 mask");
        assertRefused("0 3", "pair 1 (start 0, length 3): start must be >= 1 (pixels are numbered from 1)");
    }

    @Test
    void runPastTheEndIsNamed() {
        assertRefused("409590 20", "pair 1 (start 409590, length 20): run ends at pixel 409609, past the last pixel 409600"
                + " of a 256x1600 mask");
        // The last pixel itself is fine.
        assertThat(RunLengthEncoding.decode("409591 10", H, W).get(255, 1599)).isTrue();
    }

    @Test
    void zeroLengthIsNamed() {
        assertRefused("5 2 10 0", "pair 2 (start 10, length 0): length must be >= 1");
    }

    @Test
    void unsortedRunsAreNamed() {
        assertRefused("100 5 50 5", "pair 2 (start 50, length 5): unsorted, starts before pair 1 (start 100)");
    }

    @Test
    void overlappingRunsAreNamed() {
        assertRefused("100 10 105 5", "pair 2 (start 105, length 5): overlaps pair 1 (start 100, length 10, ends at 109)");
        // Same start twice is an overlap, not a sort error.
        assertThatThrownBy(() -> RunLengthEncoding.decode("100 1 100 1", H, W))
                .hasMessageContaining("pair 2 (start 100, length 1): overlaps pair 1");
    }

    @Test
    void nonNumbersAreNamed() {
        assertRefused("1 3 x7 2", "value 3 ('x7', pair 2) is not a whole number");
        assertRefused("1 -3", "value 2 ('-3', pair 1) is not a whole number");
        assertThatThrownBy(() -> RunLengthEncoding.decode("1 2,5 3", H, W))
                .hasMessage("value 2 ('2,5', pair 1) is not a whole number");
        assertRefused("99999999999 1", "value 1 (pair 1) is too large: 99999999999");
    }

    @Test
    void validationErrorsAreIllegalArguments() {
        assertThatThrownBy(() -> RunLengthEncoding.validate("5", 4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RunLengthEncoding.validate("5 2", 4, 4).pixelCount()).isEqualTo(2);
    }

    @Test
    void intersectionOfRunsCountsSharedPixels() {
        Runs a = Runs.parse("1 10 20 5", 10, 10);
        Runs b = Runs.parse("5 10 22 1 30 3", 10, 10);
        // shared: 5..10 (6 px) + 22 (1 px)
        assertThat(a.intersectionSize(b)).isEqualTo(7);
        assertThat(b.intersectionSize(a)).isEqualTo(7);
        assertThat(a.intersectionSize(Runs.empty())).isZero();
        assertThat(a.intersectionSize(a)).isEqualTo(a.pixelCount()).isEqualTo(15);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void intersectionOfRunsEqualsThePixelCountOfTheAnd(long seed) {
        Random random = new Random(seed);
        BinaryMask a = new BinaryMask(64, 48);
        BinaryMask b = new BinaryMask(64, 48);
        for (int i = 0; i < a.columnMajor().length; i++) {
            a.columnMajor()[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
            b.columnMajor()[i] = (byte) (random.nextInt(2) == 0 ? 1 : 0);
        }
        long both = 0;
        for (int i = 0; i < a.columnMajor().length; i++) {
            both += a.columnMajor()[i] != 0 && b.columnMajor()[i] != 0 ? 1 : 0;
        }
        assertThat(RunLengthEncoding.runsOf(a).intersectionSize(RunLengthEncoding.runsOf(b))).isEqualTo(both).isPositive();
    }

    /** Decoding {@code rle} on a 256x1600 mask is refused with exactly {@code message}. */
    private static void assertRefused(String rle, String message) {
        assertThatThrownBy(() -> RunLengthEncoding.decode(rle, H, W)).isInstanceOf(RleFormatException.class).hasMessage(message);
    }
}
