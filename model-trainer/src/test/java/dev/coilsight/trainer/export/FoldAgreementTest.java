package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FoldAgreementTest {

    @Test
    void twoOutputsComparedApartAgreeAsTheyDoComparedTogether() {
        FoldAgreement first = FoldAgreement.of(new float[] {0.1f, 0.5f}, new float[] {0.1f, 0.5002f});
        FoldAgreement second = FoldAgreement.of(new float[] {0.9f}, new float[] {0.9001f});
        FoldAgreement both = first.and(second);
        assertThat(both.values()).isEqualTo(3);
        assertThat(both.largestDifference()).isCloseTo(2e-4, within(1e-6));
        assertThat(both.meanDifference()).isCloseTo(1e-4, within(1e-6));
        assertThat(both.lowest()).isCloseTo(0.1, within(1e-6));
        assertThat(both.highest()).isCloseTo(0.9, within(1e-6));
    }

    @Test
    void roundingStaysUnderBothBoundsAndAWrongFoldCrossesEither() {
        float[] original = new float[1000];
        java.util.Arrays.fill(original, 0.5f);
        float[] rounded = original.clone();
        rounded[7] += 4e-4f;
        assertThat(FoldAgreement.of(original, rounded).isRounding()).isTrue();

        float[] oneFarOff = original.clone();
        oneFarOff[7] += 1e-3f;
        assertThat(FoldAgreement.of(original, oneFarOff).isRounding()).as("one value beyond the largest").isFalse();

        float[] allSlightlyOff = original.clone();
        for (int i = 0; i < allSlightlyOff.length; i++) {
            allSlightlyOff[i] += 5e-5f;
        }
        assertThat(FoldAgreement.of(original, allSlightlyOff).isRounding()).as("every value a little off").isFalse();
    }

    @Test
    void outputsOfDifferentSizesAreNotCompared() {
        assertThatThrownBy(() -> FoldAgreement.of(new float[2], new float[3])).hasMessageContaining("2 and 3 values");
    }
}
