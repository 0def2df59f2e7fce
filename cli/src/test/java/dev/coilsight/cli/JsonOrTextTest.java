package dev.coilsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

class JsonOrTextTest {

    private final StringWriter written = new StringWriter();
    private final PrintWriter out = new PrintWriter(written);

    @Test
    void jsonIsOneLineAndTextIsPrintedAsItIs() {
        JsonOrText.print(out, true, "{\"a\":1}", "a 1\n");
        JsonOrText.print(out, false, "{\"a\":1}", "a 1\n");
        assertThat(written.toString()).isEqualTo("{\"a\":1}" + System.lineSeparator() + "a 1\n");
    }

    @Test
    void linesEndWithTheLineSeparator() {
        JsonOrText.print(out, false, "{}", List.of("x", "y"));
        assertThat(written.toString()).isEqualTo("x" + System.lineSeparator() + "y" + System.lineSeparator());
    }
}
