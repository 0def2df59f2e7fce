package dev.coilsight.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class CheckoutPathsTest {

    private final CheckoutPaths paths = new CheckoutPaths(Path.of("/home/ci/build/coilsight"));

    @Test
    void dataBesideTheCheckoutIsRecordedRelativeToIt() {
        assertThat(paths.portable(Path.of("/home/ci/build/shared/data/neu-seg"))).isEqualTo("../shared/data/neu-seg");
    }

    @Test
    void aFolderInsideTheCheckoutIsRecordedRelativeToIt() {
        assertThat(paths.portable(Path.of("/home/ci/build/coilsight/runs/neu/../neu-resunet"))).isEqualTo("runs/neu-resunet");
    }

    @Test
    void aFolderElsewhereIsRecordedByItsNameOnly() {
        assertThat(paths.portable(Path.of("/mnt/datasets/severstal"))).isEqualTo("severstal");
    }

    @Test
    void onlyTheAbsolutePathsOfACommandLineChange() {
        assertThat(paths.portableArgs(List.of("segmenter", "--dataset", "../shared/data/neu-seg", "--run-dir", "/home/ci/build/coilsight/runs/x",
                "--output", "/tmp/m")))
                .containsExactly("segmenter", "--dataset", "../shared/data/neu-seg", "--run-dir", "runs/x", "--output", "m");
    }
}
