package dev.coilsight.serviceruntime.deadletter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.cli.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./coilsight dead-letters redrive}: dead letters sent back to their source topics, once each. */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send dead letters back to the topic each was read from (its key, value and headers, without the dead-letter "
                + "headers, plus coilsight.redriven.from), so that the stage tries them again: after a model that failed on them was "
                + "fixed, or a stage's limits were raised. Each is sent once: a mark on the dead-letter topic, written in the same "
                + "transaction, keeps later redrives from sending it again. Name the reasons: a record that is not an image would only "
                + "fail again. A CRASHED record killed its worker twice and, sent again, will kill it twice more unless the cause was fixed.",
                "Exit code 0 when every selected dead letter was sent (or --dry-run), 1 when some could not be (their values are gone), "
                        + "2 on bad input or when the cluster could not be reached."})
public final class RedriveCommand extends CoilsightCommand {

    @Mixin
    DeadLetterFilter filter;

    @Option(names = "--dry-run", description = "Only say what would be sent.")
    boolean dryRun;

    @Option(names = "--max", defaultValue = "10000", paramLabel = "N",
            description = "Send at most N dead letters, the oldest first (default: ${DEFAULT-VALUE}); run again for the rest.")
    int max;

    @Mixin
    DeadLetterTopicOptions source;

    @Override
    protected int run() {
        if (filter.reasons().isEmpty()) {
            throw badOption("name the reasons to redrive with --reason (e.g. --reason MODEL_ERROR): records dead-lettered as "
                    + "NOT_AN_IMAGE or CORRUPT would only fail again");
        }
        if (max < 1) {
            throw badOption("--max must be at least 1, got " + max);
        }
        try (DeadLetterTopic topic = source.open(); Redrive redrive = dryRun ? null : new Redrive(source.producerSettings(), Clock.systemUTC())) {
            // The redrive above fenced any other still running before the marks are read, so nothing is sent twice.
            List<DeadLetter> selected = new ArrayList<>();
            int[] shadowLeftOut = {0};
            Map<String, String> marks;
            try (ScanProgress progress = new ScanProgress(source.topic())) {
                marks = topic.scan(progress, letter -> {
                    if (!filter.test(letter)) {
                        return;
                    }
                    if (letter.stage().endsWith("-shadow") && !filter.namesStages()) {
                        // A candidate model's failure: sent back, the live stage would run the image a second time.
                        shadowLeftOut[0]++;
                        return;
                    }
                    selected.add(letter.forRedrive());
                });
            }
            selected.sort(Comparator.comparing(DeadLetter::failedAt, Comparator.nullsLast(Comparator.naturalOrder())));
            List<DeadLetter> toSend = Redrive.unmarked(selected, marks, topic.redrivenSources());
            int alreadySent = selected.size() - toSend.size();
            int leftForLater = Math.max(0, toSend.size() - max);
            toSend = toSend.subList(0, Math.min(max, toSend.size()));
            var out = stdout();
            if (shadowLeftOut[0] > 0) {
                out.printf("note: %,d dead letters of shadow workers left out (a candidate model's failures; name their stage with --stage to "
                        + "send them)%n", shadowLeftOut[0]);
            }
            if (filter.reasons().contains(DeadLetters.Reason.CRASHED) && !toSend.isEmpty()) {
                out.println("note: CRASHED records are among them: each killed its worker twice and will again unless the cause was fixed");
            }
            if (dryRun) {
                out.printf("would send %,d dead letters: %s; %,d already redriven left out%s%n",
                        toSend.stream().map(DeadLetter::source).distinct().count(), perTopic(toSend), alreadySent,
                        leftForLater > 0 ? String.format("; %,d more over --max", leftForLater) : "");
                out.flush();
                return 0;
            }
            Redrive.Outcome outcome;
            try (ProgressBar bar = new ProgressBar("redriving", Math.max(1, toSend.size()))) {
                outcome = redrive.send(toSend, topic, bar::update);
            }
            out.printf("sent %,d dead letters back: %s; %,d already redriven left out%s%n", outcome.sentCount(),
                    perTopic(outcome.sent()), alreadySent,
                    leftForLater > 0 ? String.format("; %,d more over --max (run again)", leftForLater) : "");
            outcome.skipped().forEach((at, why) -> out.printf("not sent: %s: %s%n", DeadLettersCommand.printable(at), DeadLettersCommand.printable(why)));
            out.flush();
            return outcome.skipped().isEmpty() ? 0 : 1;
        }
    }

    /** Records per source topic, each source record once (dead letters of a live and a shadow worker send it once). */
    private static String perTopic(List<DeadLetter> letters) {
        Map<String, Integer> counts = new TreeMap<>();
        letters.stream().map(DeadLetter::source).distinct().forEach(source -> counts.merge(source.topic(), 1, Integer::sum));
        return perTopic(counts);
    }

    /** {@code steel.images 3, steel.images.defective 1}, or {@code none}; topic names from records shown printable. */
    private static String perTopic(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((name, count) -> parts.add(DeadLettersCommand.printable(name) + " " + count));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
