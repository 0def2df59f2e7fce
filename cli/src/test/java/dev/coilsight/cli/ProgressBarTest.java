package dev.coilsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void withoutATerminalItPrintsEveryTenthAndTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar("scanning", 50, new PrintStream(bytes, true))) {
            for (int i = 0; i < 50; i++) {
                bar.step();
            }
        }
        String[] lines = bytes.toString().strip().split("\n");

        assertThat(lines).hasSize(11); // first step, then each 10 % up to 100 %
        assertThat(lines[lines.length - 1]).startsWith("scanning [==============================] 100% 50/50");
        assertThat(lines[5]).contains(" 50% 25/50");
    }

    @Test
    void workWithoutAnEndShowsCountAndRateNotAPercentage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar("replay", ProgressBar.UNBOUNDED, new PrintStream(bytes, true))) {
            for (int i = 0; i < 57; i++) {
                bar.step();
            }
            assertThat(bar.line(System.nanoTime())).startsWith("replay 57 ").endsWith("/s").doesNotContain("%").doesNotContain("eta");
        }
        assertThat(bytes.toString().strip().split("\n")).as("off a terminal: the first step, then once a minute").hasSize(1);
    }
}
