package dev.coilsight.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankIsAlwaysAMeasuredValue() {
        double[] values = {15, 20, 35, 40, 50};
        assertThat(Percentiles.of(values, 5)).isEqualTo(15);
        assertThat(Percentiles.of(values, 30)).isEqualTo(20);
        assertThat(Percentiles.of(values, 40)).isEqualTo(20);
        assertThat(Percentiles.of(values, 50)).isEqualTo(35);
        assertThat(Percentiles.of(values, 100)).isEqualTo(50);
    }

    @Test
    void unsortedInputIsNotChanged() {
        double[] values = {9, 1, 5};
        assertThat(Percentiles.of(values, 50)).isEqualTo(5);
        assertThat(values).containsExactly(9, 1, 5);
    }

    @Test
    void summaryOfOneToAHundred() {
        List<Double> values = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            values.add((double) i);
        }
        Percentiles.Summary s = Percentiles.summary(values);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p95()).isEqualTo(95);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
    }

    @Test
    void emptyIsNaNAndBadPercentilesAreRefused() {
        assertThat(Percentiles.summary(List.of())).isEqualTo(Percentiles.Summary.EMPTY);
        assertThat(Percentiles.of(new double[0], 50)).isNaN();
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
