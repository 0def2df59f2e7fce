package dev.coilsight.core.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.rle.KaggleCsvException;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.Runs;

class GroundTruthTest {

    @Test
    void aBadRowIsAProblemLeftOutAndTwoRowsOfOnePairAreOneMaskTheirUnion(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("truth.csv"), """
                ImageId,ClassId,EncodedPixels
                a.png,1,1 3
                a.png,x,1 1
                a.png,1,3 4
                a.png,2,10 2
                b.png,1,
                """);

        GroundTruth truth = GroundTruth.read(csv);

        assertThat(truth.problems()).singleElement().asString().startsWith(csv + ": line 3: ClassId 'x'");
        assertThat(truth.imageIds()).containsExactly("a.png");
        // Pixels 1..3 and 3..6: one mask of pixels 1..6.
        assertThat(truth.runs("a.png", 1, 4, 4)).isEqualTo(Runs.parse("1 6", 4, 4));
        assertThat(truth.runs("a.png", 2, 4, 4)).isEqualTo(Runs.parse("10 2", 4, 4));
        assertThat(truth.runs("a.png", 3, 4, 4).isEmpty()).isTrue();
        assertThat(truth.runs("b.png", 1, 4, 4).isEmpty()).isTrue();
        assertThat(truth.mergedPairs()).containsExactly("a.png class 1 (lines 2, 4)");
        assertThat(truth.byClass("a.png")).containsOnlyKeys(1, 2);
    }

    @Test
    void unionMergesOverlappingAndTouchingRunsAndKeepsApartTheRest() {
        Runs a = Runs.parse("1 2 10 3", 4, 8);
        Runs b = Runs.parse("3 2 11 5 20 1", 4, 8);

        assertThat(GroundTruth.union(List.of(a, b), 4, 8)).isEqualTo(Runs.parse("1 4 10 6 20 1", 4, 8));
        assertThat(GroundTruth.union(List.of(Runs.empty(), a), 4, 8)).isSameAs(a);
        assertThat(GroundTruth.union(List.of(), 4, 8).isEmpty()).isTrue();
    }

    @Test
    void limitedToLeavesOutOtherClassesAsProblems() {
        GroundTruth truth = GroundTruth.of(List.of(new RleRow("a", 1, "1 1", 2), new RleRow("a", 5, "2 1", 3)), "t.csv")
                .limitedTo(4);

        assertThat(truth.byClass("a")).containsOnlyKeys(1);
        assertThat(truth.problems()).containsExactly("t.csv: line 3: class 5 is outside 1..4");
        assertThat(truth.source()).isEqualTo("t.csv");
    }

    @Test
    void anInvalidMaskNamesItsRowAndAMissingFileOrBadHeaderStillFails(@TempDir Path dir) throws Exception {
        GroundTruth truth = GroundTruth.of(List.of(new RleRow("a", 1, "1 2", 2), new RleRow("a", 1, "5 99", 7)), "t.csv");
        assertThatThrownBy(() -> truth.runs("a", 1, 4, 4)).isInstanceOfSatisfying(GroundTruth.InvalidMask.class,
                e -> assertThat(e.row().line()).isEqualTo(7L));

        Path missing = dir.resolve("missing.csv");
        assertThatThrownBy(() -> GroundTruth.read(missing)).isInstanceOf(KaggleCsvException.class)
                .hasMessage(missing + ": no such file");
        Path badHeader = Files.writeString(dir.resolve("bad.csv"), "Id,Pixels\n");
        assertThatThrownBy(() -> GroundTruth.read(badHeader)).isInstanceOf(KaggleCsvException.class).hasMessageContaining("unknown header");
    }
}
