package dev.coilsight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.TypeConversionException;

class PointInTimeTest {

    private final PointInTime converter = new PointInTime(Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void aDateIsItsMidnightInUtc() {
        assertThat(converter.convert("2026-12-01")).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void aUtcTimeIsTakenAsItIs() {
        assertThat(converter.convert("2026-12-01T06:30:00Z")).isEqualTo(Instant.parse("2026-12-01T06:30:00Z"));
    }

    @Test
    void aSpanCountsBackFromNow() {
        assertThat(converter.convert("90m")).isEqualTo(Instant.parse("2026-12-07T10:30:00Z"));
        assertThat(converter.convert("2h")).isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
        assertThat(converter.convert("7d")).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(converter.convert("45s")).isEqualTo(Instant.parse("2026-12-07T11:59:15Z"));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsItMayTake() {
        for (String bad : new String[] {"yesterday", "2h30m", "-2h", "2026-13-01", "2026-12-01 06:00", "3w"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + bad + "'").hasMessageContaining("90m");
        }
    }
}
