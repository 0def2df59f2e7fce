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

    @Test
    void aLedgerOf200000FinishedFilesIsCompactedAtOpenToWhatIsStillInTheFolder() throws Exception {
        Path file = dir.resolve("ledger.log");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            lines.append(i % 2 == 0 ? "DONE C" + (i % 50) + "%2Fimg-" + i + ".jpg%7C1000%7C" + i + " id-" + i : "FAILED C1%2Fbad-" + i + ".jpg%7C7%7C1")
                    .append('\n');
        }
        lines.append("PENDING C9%2Flast.jpg%7C5%7C9 id-last 2 77\n");
        Files.writeString(file, lines, StandardCharsets.UTF_8);
        String stillThere = "C0/img-0.jpg|1000|0";

        try (DropLedger ledger = new DropLedger(file, stillThere::equals, DropLedger.COMPACT_AFTER_LINES)) {
            assertThat(ledger.size()).isEqualTo(2);
            assertThat(ledger.get(stillThere)).isPresent();
            assertThat(ledger.get("C9/last.jpg|5|9")).contains(new DropLedger.Entry("C9/last.jpg|5|9", DropLedger.State.PENDING, "id-last", 2, 77));
            assertThat(ledger.get("C2/img-2.jpg|1000|2")).isEmpty();
        }
        assertThat(Files.size(file)).isLessThan(200);
    }

    @Test
    void writingKeepsTheLedgerBoundedByTheFilesStillInTheFolder() throws Exception {
        Path file = dir.resolve("ledger.log");
        try (DropLedger ledger = new DropLedger(file, key -> false, 100)) {
            for (int i = 0; i < 1_000; i++) {
                ledger.pending("C1/img-" + i + ".jpg|10|" + i, "id-" + i, 0, i);
                ledger.done("C1/img-" + i + ".jpg|10|" + i, "id-" + i);
            }
            ledger.pending("C1/open.jpg|10|1", "id-open", 0, 1);
            assertThat(ledger.size()).as("of 1,001 file versions written").isLessThanOrEqualTo(150);
            assertThat(ledger.get("C1/open.jpg|10|1")).isPresent();
        }
        assertThat(Files.readAllLines(file).size()).as("of 2,001 lines written").isLessThanOrEqualTo(300);
        try (DropLedger reopened = new DropLedger(file, key -> false, 100)) {
            assertThat(reopened.size()).isEqualTo(1);
            assertThat(reopened.get("C1/open.jpg|10|1")).isPresent();
        }
    }
}
