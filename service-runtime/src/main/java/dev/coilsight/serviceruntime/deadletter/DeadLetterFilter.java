package dev.coilsight.serviceruntime.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import dev.coilsight.cli.PointInTime;
import picocli.CommandLine.Option;

/** Which dead letters a command works on, as a picocli mixin; options left out select everything. */
public final class DeadLetterFilter implements Predicate<DeadLetter> {

    @Option(names = "--stage", split = ",", paramLabel = "STAGE",
            description = "Only dead letters of these stages: classifier, segmenter, coil-analytics, classifier-shadow, segmenter-shadow.")
    List<String> stages = List.of();

    @Option(names = "--reason", split = ",", paramLabel = "REASON", description = "Only dead letters for these reasons (e.g. MODEL_ERROR,CRASHED; "
            + "docs/RELIABILITY.md lists them).")
    List<DeadLetters.Reason> reasons = List.of();

    @Option(names = "--since", paramLabel = "WHEN", converter = PointInTime.class,
            description = "Only dead letters written at or after this time: " + PointInTime.FORMS + ".")
    Instant since;

    @Option(names = "--until", paramLabel = "WHEN", converter = PointInTime.class, description = "Only dead letters written before this time.")
    Instant until;

    @Option(names = "--source-topic", paramLabel = "TOPIC", description = "Only dead letters of records read from this topic.")
    String sourceTopic;

    @Option(names = "--coil", paramLabel = "COIL", description = "Only dead letters of this coil (the record key).")
    String coil;

    @Override
    public boolean test(DeadLetter letter) {
        if (!stages.isEmpty() && !stages.contains(letter.stage().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (!reasons.isEmpty() && reasons.stream().noneMatch(reason -> reason.name().equals(letter.reason()))) {
            return false;
        }
        if (since != null && (letter.failedAt() == null || letter.failedAt().isBefore(since))) {
            return false;
        }
        if (until != null && (letter.failedAt() == null || !letter.failedAt().isBefore(until))) {
            return false;
        }
        if (sourceTopic != null && !sourceTopic.equals(letter.source().topic())) {
            return false;
        }
        return coil == null || coil.equals(letter.coilId());
    }

    /** Whether --stage was given: then a shadow worker's dead letters are chosen only where it names their stage. */
    public boolean namesStages() {
        return !stages.isEmpty();
    }

    /** The reasons asked for; empty when none was named. */
    public List<DeadLetters.Reason> reasons() {
        return reasons;
    }
}
