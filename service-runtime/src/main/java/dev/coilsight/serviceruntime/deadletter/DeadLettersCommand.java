package dev.coilsight.serviceruntime.deadletter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.cli.JsonOrText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./coilsight dead-letters}: what the stages could not process, counted and listed; {@code redrive} sends them again. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, sortOptions = false, subcommands = RedriveCommand.class,
        description = {"Read the dead-letter topic and show what the stages could not process: counts by stage and reason, then the "
                + "latest dead letters (where each record was read, its coil and image id, the error, whether it was redriven).",
                "'dead-letters redrive --reason ...' sends dead letters back to the topic they were read from, once each.",
                "Reads without a consumer group: nothing is committed, nobody else's position moves. See docs/RELIABILITY.md.",
                "Exit code 0 when the topic was read, 2 on bad input or when it could not be read."})
public final class DeadLettersCommand extends CoilsightCommand {

    private static final int MESSAGE_WIDTH = 70;
    /** When they failed (unknown first), then where they lie. */
    private static final Comparator<DeadLetter> NEWEST_LAST = Comparator
            .comparing(DeadLetter::failedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(letter -> letter.at().partition()).thenComparingLong(letter -> letter.at().offset());

    @Mixin
    DeadLetterFilter filter;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "List the latest N matching dead letters (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print one JSON object (counts and the listed dead letters with their whole messages) instead of text.")
    boolean json;

    @Mixin
    DeadLetterTopicOptions source;

    /** The records a redrive sent back, as the marks name them. */
    private Set<String> redrivenSources = Set.of();

    @Override
    protected int run() throws JsonProcessingException {
        if (limit < 0) {
            throw badOption("--limit must be 0 or more, got " + limit);
        }
        Map<String, Integer> counts = new TreeMap<>();
        // The newest by when they failed, across partitions (polls interleave them): the oldest kept is dropped first.
        PriorityQueue<DeadLetter> latest = new PriorityQueue<>(NEWEST_LAST);
        long[] records = {0};
        Map<String, String> marks;
        try (DeadLetterTopic topic = source.open(); ScanProgress progress = new ScanProgress(source.topic())) {
            marks = topic.scan((read, total) -> {
                records[0] = read;
                progress.accept(read, total);
            }, letter -> {
                if (filter.test(letter)) {
                    counts.merge(letter.stage() + " " + letter.reason(), 1, Integer::sum);
                    latest.add(letter);
                    if (latest.size() > limit) {
                        latest.poll();
                    }
                }
            });
            redrivenSources = Set.copyOf(topic.redrivenSources());
        }
        int matching = counts.values().stream().mapToInt(Integer::intValue).sum();
        List<DeadLetter> shown = new ArrayList<>(latest);
        shown.sort(NEWEST_LAST);
        JsonOrText.print(stdout(), json, json(records[0], matching, counts, shown, marks), text(records[0], matching, counts, shown, marks));
        return 0;
    }

    private List<String> text(long records, int matching, Map<String, Integer> counts, List<DeadLetter> latest, Map<String, String> marks) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s: %,d records read, %,d dead letters match (%,d redriven so far, of all)", printable(source.topic()), records, matching, marks.size()));
        if (matching == 0) {
            return lines;
        }
        lines.add("");
        lines.add(String.format("%-18s %-20s %s", "stage", "reason", "dead letters"));
        counts.forEach((stageAndReason, count) -> {
            String[] parts = stageAndReason.split(" ", 2);
            lines.add(String.format("%-18s %-20s %,d", printable(parts[0]), printable(parts[1]), count));
        });
        if (latest.isEmpty()) {
            return lines;
        }
        lines.add("");
        lines.add("the latest " + latest.size() + ":");
        lines.add(String.format("%-20s %-20s %-18s %-17s %-28s %-14s %-20s %s", "dead letter", "failed at", "stage", "reason", "read from", "coil",
                "image id", "error"));
        for (DeadLetter letter : latest) {
            String redriven = marks.containsKey(letter.at().toString()) ? " [redriven " + printable(marks.get(letter.at().toString())) + "]"
                    : redrivenSources.contains(letter.source().toString()) ? " [its record redriven with another dead letter]" : "";
            String again = letter.redrivenFrom() == null ? "" : " [failed again after a redrive of " + printable(letter.redrivenFrom()) + "]";
            lines.add(String.format("%-20s %-20s %-18s %-17s %-28s %-14s %-20s %s%s%s", letter.at(),
                    letter.failedAt() == null ? "?" : letter.failedAt().toString().replaceFirst("\\.\\d+Z$", "Z"), printable(letter.stage()),
                    printable(letter.reason()), printable(letter.source().toString()), printable(letter.coilId()), printable(letter.imageId()),
                    cut(printable(letter.errorMessage())), redriven, again));
        }
        return lines;
    }

    private String json(long records, int matching, Map<String, Integer> counts, List<DeadLetter> latest, Map<String, String> marks)
            throws JsonProcessingException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("topic", source.topic());
        result.put("recordsRead", records);
        result.put("matching", matching);
        result.put("redrivenOfAll", marks.size());
        List<Map<String, Object>> countRows = new ArrayList<>();
        counts.forEach((stageAndReason, count) -> {
            String[] parts = stageAndReason.split(" ", 2);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stage", parts[0]);
            row.put("reason", parts[1]);
            row.put("count", count);
            countRows.add(row);
        });
        result.put("counts", countRows);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (DeadLetter letter : latest) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("deadLetter", letter.at().toString());
            row.put("failedAt", letter.failedAt() == null ? null : letter.failedAt().toString());
            row.put("stage", letter.stage());
            row.put("reason", letter.reason());
            row.put("source", letter.source().toString());
            row.put("coilId", letter.coilId());
            row.put("imageId", letter.imageId());
            row.put("model", letter.model());
            row.put("errorClass", letter.errorClass());
            row.put("errorMessage", letter.errorMessage());
            row.put("valueBytes", letter.valueBytes());
            row.put("valueOmitted", letter.valueOmitted());
            row.put("redrivenAt", marks.get(letter.at().toString()));
            row.put("recordRedriven", marks.containsKey(letter.at().toString()) || redrivenSources.contains(letter.source().toString()));
            row.put("redrivenFrom", letter.redrivenFrom());
            rows.add(row);
        }
        result.put("deadLetters", rows);
        return new ObjectMapper().writeValueAsString(result);
    }

    /** Text from a record as it may be shown on a terminal: control characters (a forged line, an escape sequence) as '?'. */
    static String printable(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? '?' : c));
        return shown.toString();
    }

    private static String cut(String text) {
        return text.length() <= MESSAGE_WIDTH ? text : text.substring(0, MESSAGE_WIDTH - 3) + "...";
    }
}
