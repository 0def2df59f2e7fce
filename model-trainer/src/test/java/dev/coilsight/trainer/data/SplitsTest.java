package dev.coilsight.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SplitsTest {

    private static final List<String> IDS = IntStream.range(0, 23).mapToObj(i -> "img" + i).toList();

    @Test
    void kFoldPutsEveryImageInExactlyOneValidationFold() {
        List<String> seen = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            Splits.Split s = Splits.kFold(IDS, 4, f, 9);
            assertThat(s.train()).doesNotContainAnyElementsOf(s.validation());
            assertThat(s.train().size() + s.validation().size()).isEqualTo(IDS.size());
            seen.addAll(s.validation());
        }
        assertThat(seen).hasSize(IDS.size()).containsExactlyInAnyOrderElementsOf(IDS);
    }

    @Test
    void fractionIsSeededAndKeepsTheDatasetOrder() {
        Splits.Split a = Splits.byFraction(IDS, 0.25, 1);
        assertThat(a.validation()).hasSize(6);
        assertThat(Splits.byFraction(IDS, 0.25, 1)).isEqualTo(a);
        assertThat(Splits.byFraction(IDS, 0.25, 2).validation()).isNotEqualTo(a.validation());
        assertThat(a.train()).isSortedAccordingTo((x, y) -> Integer.compare(IDS.indexOf(x), IDS.indexOf(y)));
        Set<String> all = new HashSet<>(a.train());
        all.addAll(a.validation());
        assertThat(all).hasSize(IDS.size());
    }

    @Test
    void badSplitsAreRefused() {
        assertThatThrownBy(() -> Splits.kFold(IDS, 4, 4, 1)).hasMessageContaining("fold 4 of 4");
        assertThatThrownBy(() -> Splits.byFraction(IDS, 1.5, 1)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> ClassMap.parse("one=x")).hasMessageContaining("bad class 'one=x'");
    }
}
