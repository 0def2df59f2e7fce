package dev.coilsight.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time a command-line option names, as an operator types it: a UTC date ({@code 2026-12-01}, its midnight), a UTC time
 * ({@code 2026-12-01T06:00:00Z}), or a span back from now ({@code 90m}, {@code 2h}, {@code 7d}). A picocli converter, so
 * that a bad value is a parse error naming the option.
 */
public final class PointInTime implements ITypeConverter<Instant> {

    /** What an option's description can say its value may be. */
    public static final String FORMS = "a UTC date (2026-12-01), a UTC time (2026-12-01T06:00:00Z) or a span back from now (90m, 2h, 7d)";

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private final Clock clock;

    public PointInTime() {
        this(Clock.systemUTC());
    }

    PointInTime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String text) {
        String value = text.trim();
        Matcher ago = AGO.matcher(value);
        if (ago.matches()) {
            long amount = Long.parseLong(ago.group(1));
            Duration span = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return clock.instant().minus(span);
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is not " + FORMS);
        }
    }
}
