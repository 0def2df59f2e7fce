package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coilsight.analytics.AnalyticsConfig;
import dev.coilsight.classifier.ClassifierService;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.ingest.IngestConfig;
import dev.coilsight.segmenter.SegmenterService;
import dev.coilsight.workerruntime.WorkerConfig;

/**
 * Each service's settings table in docs/ lists exactly the {@code COILSIGHT_*} variables its
 * configuration classes read ({@link Env#reads()}), with the defaults the code uses.
 *
 * <p>A table is the one in its file whose header is {@code | variable | default | meaning |}; one row
 * per variable, the name in backticks ({@code COILSIGHT_KAFKA_*} for the pass-through to the Kafka
 * clients). The default column holds one of:
 * <ul>
 *   <li>{@code `literal`}: the default exactly as the code renders it ({@code 8080}, {@code true},
 *       {@code 60000} for a duration in milliseconds);</li>
 *   <li>{@code none}: the code reads the variable without a default (unset: the feature is off, or the
 *       service refuses to start; the meaning column says which), and for {@code COILSIGHT_KAFKA_*};</li>
 *   <li>{@code computed}: worked out at start from the machine (host name, temporary folder); the
 *       meaning column says how. Accepted only for the variables in {@link #COMPUTED}, so that a
 *       literal default cannot hide behind the word.</li>
 * </ul>
 * In the workers' table, which serves two services, a default that differs per service, or a variable
 * only one of them reads, is written per service: {@code classifier `a`, segmenter `b`} (or only
 * {@code classifier `a`}); a plain default applies to both.
 */
class SettingsDocsTest {

    private static final Path DOCS = Path.of("..", "docs");

    /** Variables whose default depends on the machine the service runs on. */
    private static final Set<String> COMPUTED = Set.of(
            "COILSIGHT_TRANSACTIONAL_ID",    // <group id>-<hostname>
            "COILSIGHT_STATE_DIR",           // <java.io.tmpdir>/coilsight-analytics
            "COILSIGHT_APPLICATION_SERVER"); // <hostname>:<bound HTTP port>, read as optional

    private static final String HEADER = "| variable | default | meaning |";
    private static final String VALUE = "`[^`]*`|none|computed";
    private static final Pattern PLAIN = Pattern.compile("^(" + VALUE + ")$");
    private static final Pattern QUALIFIED = Pattern.compile("(?:^|, )(classifier|segmenter) (" + VALUE + ")");

    @Test
    void theIngestTableListsExactlyWhatIngestConfigReadsWithItsDefaults() throws IOException {
        Env env = new Env(Map.of("COILSIGHT_INGEST_TOKEN", "a-token")); // ingest refuses to start without one
        IngestConfig.fromEnv(env);

        assertThat(problems("ingest", env.reads(), DOCS.resolve("INGEST.md"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classifier", "segmenter"})
    void theWorkersTableListsExactlyWhatEachWorkerReadsWithItsDefaults(String worker) throws IOException {
        Env env = new Env(Map.of());
        if (worker.equals("classifier")) {
            WorkerConfig.fromEnv(env, ClassifierService.DEFAULTS);
            ClassifierService.stage(env);
        } else {
            WorkerConfig.fromEnv(env, SegmenterService.DEFAULTS);
            SegmenterService.stage(env);
        }

        assertThat(problems(worker, env.reads(), DOCS.resolve("WORKERS.md"))).isEmpty();
    }

    @Test
    void theAnalyticsTableListsExactlyWhatAnalyticsConfigReadsWithItsDefaults() throws IOException {
        Env env = new Env(Map.of("COILSIGHT_ANALYTICS_TOKEN", "a-token", "COILSIGHT_ANALYTICS_INTERNAL_TOKEN", "b-token"));
        AnalyticsConfig.fromEnv(env);

        assertThat(problems("coil-analytics", env.reads(), DOCS.resolve("ANALYTICS.md"))).isEmpty();
    }

    @Test
    void aMissingRowAnExtraRowAWrongDefaultOrAnUnacceptedWordIsReportedByName() {
        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("COILSIGHT_HTTP_PORT", "8080");
        reads.put("COILSIGHT_TOKEN", null);
        reads.put("COILSIGHT_UNDOCUMENTED", "x");
        reads.put("COILSIGHT_HOST", "0.0.0.0");
        reads.put("COILSIGHT_STATE_DIR", "/tmp/state");
        String doc = String.join("\n",
                "# Settings", "",
                HEADER,
                "|---|---|---|",
                "| `COILSIGHT_HTTP_PORT` | `8081` | port |",
                "| `COILSIGHT_TOKEN` | `secret` | token |",
                "| `COILSIGHT_NEVER_READ` | `1` | nothing |",
                "| `COILSIGHT_HOST` | computed | host |",
                "| `COILSIGHT_STATE_DIR` | computed | state |",
                "", "text after the table");

        assertThat(problems("ingest", reads, "docs/X.md", doc)).containsExactlyInAnyOrder(
                "COILSIGHT_UNDOCUMENTED: read by ingest but not in docs/X.md",
                "COILSIGHT_NEVER_READ: in docs/X.md but never read by ingest",
                "COILSIGHT_HTTP_PORT: docs/X.md says `8081`, ingest's default is `8080`",
                "COILSIGHT_TOKEN: docs/X.md says `secret`, ingest reads it without a default (write none)",
                "COILSIGHT_HOST: docs/X.md says computed, but ingest's default is the literal `0.0.0.0`");
    }

    @Test
    void inTheWorkersTableAPerServiceDefaultAppliesOnlyToTheServiceItNames() {
        String doc = String.join("\n",
                HEADER,
                "|---|---|---|",
                "| `COILSIGHT_GROUP_ID` | classifier `coilsight-classifier`, segmenter `coilsight-segmenter` | group |",
                "| `COILSIGHT_TOPIC_IMAGES` | classifier `steel.images` | input |",
                "| `COILSIGHT_KAFKA_*` | none | pass-through |");
        Map<String, String> classifier = new LinkedHashMap<>();
        classifier.put("COILSIGHT_GROUP_ID", "coilsight-classifier");
        classifier.put("COILSIGHT_TOPIC_IMAGES", "steel.images");
        classifier.put("COILSIGHT_KAFKA_*", null);
        Map<String, String> segmenter = new LinkedHashMap<>();
        segmenter.put("COILSIGHT_GROUP_ID", "coilsight-classifier");
        segmenter.put("COILSIGHT_KAFKA_*", null);

        assertThat(problems("classifier", classifier, "docs/W.md", doc)).isEmpty();
        assertThat(problems("segmenter", segmenter, "docs/W.md", doc)).containsExactly(
                "COILSIGHT_GROUP_ID: docs/W.md says `coilsight-segmenter`, segmenter's default is `coilsight-classifier`");
    }

    @Test
    void aFileWithoutExactlyOneSettingsTableOrWithAnUnreadableDefaultIsRefused() {
        assertThatThrownBy(() -> problems("ingest", Map.of(), "docs/X.md", "no table here"))
                .hasMessageContaining("docs/X.md has 0 tables headed " + HEADER);
        assertThatThrownBy(() -> problems("ingest", Map.of(), "docs/X.md", HEADER + "\n|---|---|---|\n| `COILSIGHT_A` | 5 | five |"))
                .hasMessageContaining("COILSIGHT_A: default '5'");
        assertThatThrownBy(() -> problems("ingest", Map.of(), "docs/X.md",
                HEADER + "\n|---|---|---|\n| `COILSIGHT_A` | `1` | one |\n| `COILSIGHT_A` | `2` | two |"))
                .hasMessageContaining("COILSIGHT_A is listed twice");
    }

    // --- checking a table against what a service read ---

    private static List<String> problems(String service, Map<String, String> reads, Path doc) throws IOException {
        String shown = "docs/" + doc.getFileName();
        assertThat(doc).as("%s (the settings of %s)", shown, service).isRegularFile();
        return problems(service, reads, shown, Files.readString(doc));
    }

    /** What is wrong with {@code doc}'s settings table for {@code service}, one line per variable; empty when nothing. */
    private static List<String> problems(String service, Map<String, String> reads, String docName, String doc) {
        Map<String, String> documented = defaultsFor(service, table(docName, doc), docName);
        List<String> problems = new ArrayList<>();
        for (String name : reads.keySet()) {
            if (!documented.containsKey(name)) {
                problems.add(name + ": read by " + service + " but not in " + docName);
            }
        }
        for (Map.Entry<String, String> row : documented.entrySet()) {
            String name = row.getKey();
            String said = row.getValue();
            if (!reads.containsKey(name)) {
                problems.add(name + ": in " + docName + " but never read by " + service);
                continue;
            }
            String actual = reads.get(name);
            if (said.equals("computed")) {
                if (!COMPUTED.contains(name)) {
                    problems.add(name + ": " + docName + " says computed, but " + service + "'s default is "
                            + (actual == null ? "none" : "the literal `" + actual + "`"));
                }
            } else if (said.equals("none")) {
                if (actual != null) {
                    problems.add(name + ": " + docName + " says none, " + service + "'s default is `" + actual + "`");
                }
            } else {
                String literal = said.substring(1, said.length() - 1);
                if (actual == null) {
                    problems.add(name + ": " + docName + " says " + said + ", " + service + " reads it without a default (write none)");
                } else if (!literal.equals(actual)) {
                    problems.add(name + ": " + docName + " says " + said + ", " + service + "'s default is `" + actual + "`");
                }
            }
        }
        return problems;
    }

    /** The rows of the one settings table in {@code doc}: variable -> default cell, in order. */
    private static Map<String, String> table(String docName, String doc) {
        List<String> lines = doc.lines().toList();
        List<Integer> headers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (normalise(lines.get(i)).equals(HEADER)) {
                headers.add(i);
            }
        }
        if (headers.size() != 1) {
            throw new IllegalArgumentException(docName + " has " + headers.size() + " tables headed " + HEADER + "; it needs exactly one");
        }
        Map<String, String> rows = new LinkedHashMap<>();
        for (int i = headers.get(0) + 2; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            String[] cells = lines.get(i).trim().replaceAll("^\\||\\|$", "").split("(?<!\\\\)\\|", -1);
            if (cells.length != 3) {
                throw new IllegalArgumentException(docName + " line " + (i + 1) + " has " + cells.length + " cells, not 3: " + lines.get(i));
            }
            String variable = cells[0].trim().replace("`", "");
            if (!variable.matches("COILSIGHT_[A-Z0-9_]+\\*?")) {
                throw new IllegalArgumentException(docName + " line " + (i + 1) + ": '" + variable + "' is not a COILSIGHT_* variable in backticks");
            }
            if (rows.put(variable, cells[1].trim()) != null) {
                throw new IllegalArgumentException(docName + ": " + variable + " is listed twice");
            }
        }
        return rows;
    }

    /** Variable -> the default {@code service} has per the table (literal in backticks, none or computed); rows for other services left out. */
    private static Map<String, String> defaultsFor(String service, Map<String, String> rows, String docName) {
        Map<String, String> out = new LinkedHashMap<>();
        rows.forEach((variable, cell) -> {
            if (PLAIN.matcher(cell).matches()) {
                out.put(variable, cell);
                return;
            }
            Map<String, String> perService = new LinkedHashMap<>();
            Matcher m = QUALIFIED.matcher(cell);
            int end = 0;
            while (m.find() && m.start() == end) {
                perService.put(m.group(1), m.group(2));
                end = m.end();
            }
            if (perService.isEmpty() || end != cell.length()) {
                throw new IllegalArgumentException(docName + ": " + variable + ": default '" + cell + "' is none of `literal`, none, computed,"
                        + " or 'classifier <default>, segmenter <default>'");
            }
            if (perService.containsKey(service)) {
                out.put(variable, perService.get(service));
            }
        });
        return out;
    }

    /** A table line with single spaces around its cells: {@code |variable|  default |meaning|} -> {@code | variable | default | meaning |}. */
    private static String normalise(String line) {
        return line.trim().replaceAll("\\s*\\|\\s*", " | ").trim();
    }
}
