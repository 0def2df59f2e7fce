package dev.coilsight.ingest.drop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropLedgerTest {

    @TempDir
    Path dir;

    @Test
    void entriesSurviveAReopen() {
        Path file = dir.resolve("ledger.log");
        try (DropLedger ledger = new DropLedger(file)) {
            ledger.pending("C1/a b.jpg|10|5", "id-a", 2, 41);
            ledger.pending("C1/c.jpg|11|6", "id-c", 0, 7);
            ledger.done("C1/c.jpg|11|6", "id-c");
            ledger.pending("C1/d.jpg|12|7", "id-d", 1, 3);
            ledger.failed("C1/d.jpg|12|7");
        }
        try (DropLedger ledger = new DropLedger(file)) {
            assertThat(ledger.get("C1/a b.jpg|10|5")).contains(new DropLedger.Entry("C1/a b.jpg|10|5", DropLedger.State.PENDING, "id-a", 2, 41));
            assertThat(ledger.get("C1/c.jpg|11|6")).contains(new DropLedger.Entry("C1/c.jpg|11|6", DropLedger.State.DONE, "id-c", -1, -1));
            assertThat(ledger.get("C1/d.jpg|12|7").orElseThrow().state()).isEqualTo(DropLedger.State.FAILED);
            assertThat(ledger.get("C1/e.jpg|1|1")).isEmpty();
        }
    }

    @Test
    void aLineTornByACrashDoesNotSwallowTheNextOne() throws Exception {
        Path file = dir.resolve("ledger.log");
        try (DropLedger ledger = new DropLedger(file)) {
            ledger.pending("C1/a.jpg|10|5", "id-a", 0, 4);
        }
        // The process died while writing the DONE line of a.jpg: half a line, no newline.
        Files.writeString(file, "DONE C1%2Fa.jp", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        try (DropLedger ledger = new DropLedger(file)) {
            assertThat(ledger.get("C1/a.jpg|10|5").orElseThrow().state()).as("still pending: checked in Kafka").isEqualTo(DropLedger.State.PENDING);
            ledger.pending("C1/b.jpg|20|6", "id-b", 1, 9);
        }
        try (DropLedger ledger = new DropLedger(file)) {
            assertThat(ledger.get("C1/b.jpg|20|6")).as("the line written after the torn one")
                    .contains(new DropLedger.Entry("C1/b.jpg|20|6", DropLedger.State.PENDING, "id-b", 1, 9));
        }
    }
}
