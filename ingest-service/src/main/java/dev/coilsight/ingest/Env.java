package dev.coilsight.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Typed reads of {@code COILSIGHT_*} settings with defaults; a bad value names the variable. */
public final class Env {

    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = values;
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public long number(String name, long defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.get().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + raw.get() + "'");
        }
    }

    public int integer(String name, int defaultValue) {
        long value = number(name, defaultValue);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(name + " is out of range: " + value);
        }
        return (int) value;
    }

    public boolean flag(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + raw.get() + "'");
        };
    }

    public Duration millis(String name, long defaultMillis) {
        return Duration.ofMillis(number(name, defaultMillis));
    }
}
