package dev.coilsight.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.image.DecodedImage;

class ClassifierDecisionTest {

    private static ClassifierDecision pooledWindowsOf256(int cell) {
        return new ClassifierDecision(new ModelCard("c", "2", "classification", null, InputSpec.padded("input", 1, cell), "probabilities",
                List.of(new ModelCard.ClassSpec(1, "defect", 0.5, 0)), new ModelCard.Decision(0.5, 256, 256, true), Map.of(), Map.of(),
                Map.of()));
    }

    @Test
    void aModelPoolingItsWindowsTakesAWholeImageOfWholeCellsAndAnyOtherWindowByWindowWithTheLastFlushWithItsEdge() {
        ClassifierDecision pooled = pooledWindowsOf256(16);

        List<Preprocessor.Prepared> whole = pooled.inputs(new DecodedImage(1600, 256, 1, new byte[1600 * 256]));
        assertThat(whole).singleElement().satisfies(p -> assertThat(p.width()).isEqualTo(1600));

        // 1000 px is not whole 16 px cells: in one pass the last window would start at 752 and see 8 px of padding.
        List<Preprocessor.Prepared> windows = pooled.inputs(new DecodedImage(1000, 256, 1, new byte[1000 * 256]));
        assertThat(windows).hasSize(ClassifierDecision.origins(256, 1000, 256, 256).size()).allSatisfy(p -> {
            assertThat(p.width()).isEqualTo(256);
            assertThat(p.height()).isEqualTo(256);
        });
        assertThat(ClassifierDecision.starts(1000, 256)).endsWith(744);
    }
}
