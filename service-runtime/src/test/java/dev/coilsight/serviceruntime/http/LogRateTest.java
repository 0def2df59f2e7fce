package dev.coilsight.serviceruntime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LogRateTest {

    private long now = 1_000_000_000L;
    private final LogRate rate = new LogRate(Duration.ofSeconds(30), () -> now);

    @Test
    void theFirstOfEachKindIsWrittenThenOnePerIntervalSayingHowManyWereLeftOut() {
        assertThat(rate.admit("401 unauthorized")).isZero();
        assertThat(rate.admit("503 busy")).as("another kind").isZero();
        for (int i = 0; i < 1_000; i++) {
            assertThat(rate.admit("401 unauthorized")).isEqualTo(-1);
        }
        now += Duration.ofSeconds(31).toNanos();
        long leftOut = rate.admit("401 unauthorized");
        assertThat(leftOut).isEqualTo(1_000);
        assertThat(rate.suffix(leftOut)).isEqualTo(" (1000 more like it in the last 30 s)");
        assertThat(rate.suffix(0)).isEmpty();
        assertThat(rate.admit("401 unauthorized")).isEqualTo(-1);
    }
}
