package dev.coilsight.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.testsupport.SharedData;

class ConnectedComponentsTest {

    private static BinaryMask mask(String... rows) {
        BinaryMask mask = new BinaryMask(rows.length, rows[0].length());
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length(); c++) {
                mask.set(r, c, rows[r].charAt(c) == '#');
            }
        }
        return mask;
    }

    @Test
    void cornersConnectAndGapsSeparate() {
        List<Component> components = ConnectedComponents.of(mask(
                "#....",
                ".#..#",
                "....#",
                "##...")); // diagonal pair, vertical pair, horizontal pair

        assertThat(components).hasSize(3);
        assertThat(components).extracting(Component::pixels).containsExactlyInAnyOrder(2L, 2L, 2L);
        assertThat(components).contains(new Component(2, 0, 0, 1, 1), new Component(2, 3, 0, 3, 1),
                new Component(2, 1, 4, 2, 4));
    }

    @Test
    void emptyAndFullMasks() {
        assertThat(ConnectedComponents.of(new BinaryMask(4, 4))).isEmpty();
        BinaryMask full = mask("###", "###");
        assertThat(ConnectedComponents.of(full)).containsExactly(new Component(6, 0, 0, 1, 2));
        assertThat(ConnectedComponents.of(full).get(0).width()).isEqualTo(3);
        assertThat(ConnectedComponents.of(full).get(0).height()).isEqualTo(2);
    }

    @Test
    void componentsOfARealMaskCoverAllItsPixels() {
        for (RleRow row : KaggleCsv.readAll(SharedData.require("severstal-sample").resolve("train.csv"))) {
            BinaryMask mask = RunLengthEncoding.decode(row.rle(), 256, 1600);
            List<Component> components = ConnectedComponents.of(mask);
            assertThat(components).isNotEmpty();
            assertThat(components.stream().mapToLong(Component::pixels).sum()).isEqualTo(mask.pixelCount());
        }
    }

    @Test
    void randomMasksHaveTheComponentsAndLabelsOfAPixelFloodFill() {
        Random random = new Random(31);
        int[][] sizes = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {5, 5}, {17, 13}, {64, 48}};
        double[] densities = {0.02, 0.2, 0.45, 0.6, 0.8, 0.98};
        for (int[] size : sizes) {
            for (double density : densities) {
                for (int repeat = 0; repeat < 5; repeat++) {
                    BinaryMask mask = new BinaryMask(size[0], size[1]);
                    for (int r = 0; r < size[0]; r++) {
                        for (int c = 0; c < size[1]; c++) {
                            mask.set(r, c, random.nextDouble() < density);
                        }
                    }
                    ConnectedComponents.Labelled expected = FloodFill.label(mask);
                    ConnectedComponents.Labelled actual = ConnectedComponents.label(mask);
                    String what = size[0] + "x" + size[1] + " at " + density + ": " + mask;
                    assertThat(actual.components()).as(what).isEqualTo(expected.components());
                    assertThat(actual.labels()).as(what).isEqualTo(expected.labels());
                    assertThat(ConnectedComponents.of(RunLengthEncoding.runsOf(mask), size[0], size[1])).as(what)
                            .isEqualTo(expected.components());
                }
            }
        }
    }

    @Test
    void aRunGoingOnAtTheTopOfTheNextColumnTouchesOnlyWhatItsPixelsTouch() {
        // Height 6: pixels 5-8 are rows 4-5 of column 0 and rows 0-1 of column 1, which do not touch.
        assertThat(ConnectedComponents.of(Runs.parse("5 4", 6, 2), 6, 2))
                .containsExactly(new Component(2, 4, 0, 5, 0), new Component(2, 0, 1, 1, 1));
        // Height 4: rows 2-3 of column 0 and rows 0-1 of column 1 touch by a corner.
        assertThat(ConnectedComponents.of(Runs.parse("3 4", 4, 2), 4, 2)).containsExactly(new Component(4, 0, 0, 3, 1));
    }

    @Test
    void runsWrittenTouchingAcrossAColumnEndAreWhatTheirPixelsAre() {
        // Height 4: "3 4" is rows 2-3 of column 0 and rows 0-1 of column 1, "7 1" row 2 of column 1, touching it.
        Runs runs = Runs.parse("3 4 7 1", 4, 2);
        assertThat(ConnectedComponents.of(runs, 4, 2)).containsExactly(new Component(5, 0, 0, 3, 1))
                .isEqualTo(FloodFill.label(RunLengthEncoding.expand(runs, 4, 2)).components());
    }

    @Test
    void runsWrittenTouchingAreOneDefect() {
        assertThat(ConnectedComponents.of(Runs.parse("1 3 4 2", 10, 1), 10, 1)).containsExactly(new Component(5, 0, 0, 4, 0));
    }

    @Test
    void runsBeyondTheMaskAreRefused() {
        Runs runs = Runs.parse("1 3 4 2", 10, 1);
        assertThatThrownBy(() -> ConnectedComponents.of(runs, 4, 1)).hasMessageContaining("beyond a 4x1 mask");
        assertThatThrownBy(() -> ConnectedComponents.of(runs, -5, -2)).hasMessageContaining("-5x-2");
    }
}
