package dev.coilsight.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
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
}
