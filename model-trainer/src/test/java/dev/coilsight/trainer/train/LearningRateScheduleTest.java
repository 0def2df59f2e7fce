package dev.coilsight.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** The cosine schedule decays from the base rate to a hundredth of it, by the run's progress alone. */
class LearningRateScheduleTest {

    @Test
    void cosineStartsAtTheBaseRateIsHalfWayAtHalfTheRunAndEndsAtAHundredth() {
        LearningRateSchedule cosine = LearningRateSchedule.COSINE;
        assertThat(cosine.rate(0.001f, 0)).isCloseTo(0.001f, offset(1e-9f));
        assertThat(cosine.rate(0.001f, 0.5)).isCloseTo(0.000505f, offset(1e-9f));
        assertThat(cosine.rate(0.001f, 1)).isCloseTo(0.00001f, offset(1e-9f));
        assertThat(cosine.rate(0.001f, 0.25)).isGreaterThan(cosine.rate(0.001f, 0.5)).isLessThan(0.001f);
        assertThat(LearningRateSchedule.CONSTANT.rate(0.001f, 0.7)).isEqualTo(0.001f);
    }

    @Test
    void progressCountsFinishedEpochsAndTheBatchesOfThisOne() {
        assertThat(LearningRateSchedule.progress(1, 0, 100, 10)).isEqualTo(0.0);
        assertThat(LearningRateSchedule.progress(3, 50, 100, 10)).isCloseTo(0.25, offset(1e-12));
        assertThat(LearningRateSchedule.progress(10, 99, 100, 10)).isLessThan(1.0);
    }

    @Test
    void anUnknownScheduleIsNamed() {
        assertThat(LearningRateSchedule.parse(" Cosine ")).isEqualTo(LearningRateSchedule.COSINE);
        assertThatThrownBy(() -> LearningRateSchedule.parse("step")).hasMessage("--lr-schedule must be constant or cosine, got 'step'");
    }
}
