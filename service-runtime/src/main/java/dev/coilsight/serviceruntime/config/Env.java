package dev.coilsight.serviceruntime.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Typed reads of {@code COILSIGHT_*} settings with defaults, for every service; a bad value names
 * the variable. Every read is recorded twice over: with its default ({@link #reads()}: what {@code --help} prints and
 * what the documentation's settings tables are checked against) and with the value in effect, secrets masked
 * ({@link #inEffect()}: the start-up log). So the variable names are written once, where they are read.
 */
public final class Env {

    private final Map<String, String> values;
    /** Variable name -> default as a string (null: none), in the order first asked for. Guarded by itself. */
    private final Map<String, String> reads = new LinkedHashMap<>();
    /** Variable name -> value in effect for the start-up log, secrets masked, in the order first asked for. Guarded by {@link #reads}. */
    private final Map<String, String> inEffect = new LinkedHashMap<>();

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /**
     * Every variable a read of this Env asked for, in the order first asked, with the default that
     * first read gave, rendered as a string ({@code 8080}, {@code true}, {@code 60000} for a duration in
     * milliseconds); the value is {@code null} for {@link #optional} reads, which have no default. A
     * {@link #passThrough} read is recorded as its prefix followed by {@code *} (e.g.
     * {@code COILSIGHT_KAFKA_*}), with a {@code null} default. A snapshot: later reads do not change it.
     */
    public Map<String, String> reads() {
        synchronized (reads) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(reads));
        }
    }

    /**
     * Every variable read so far with the value in effect, for the start-up log: the variable's own value where it is
     * set, else the default ({@code (none)} where there is none); {@code ****} for a secret that is set
     * ({@link #secret}), URLs with their password masked. A {@link #passThrough} read lists each variable it found.
     * A snapshot.
     */
    public Map<String, String> inEffect() {
        synchronized (reads) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(inEffect));
        }
    }

    private void record(String name, Object defaultValue) {
        synchronized (reads) {
            if (!reads.containsKey(name)) {
                String rendered = defaultValue == null ? null : String.valueOf(defaultValue);
                reads.put(name, rendered);
                inEffect.put(name, lookup(name).map(v -> forLog(name, v)).orElse(rendered == null ? "(none)" : rendered));
            }
        }
    }

    private static String forLog(String name, String value) {
        return secret(name) ? "****" : maskedUrl(value);
    }

    private Optional<String> lookup(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public Optional<String> optional(String name) {
        record(name, null);
        return lookup(name);
    }

    public String string(String name, String defaultValue) {
        record(name, defaultValue);
        return lookup(name).orElse(defaultValue);
    }

    public long number(String name, long defaultValue) {
        return parsed(name, defaultValue, raw -> {
            try {
                return Long.parseLong(raw.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + raw + "'");
            }
        });
    }

    public int integer(String name, int defaultValue) {
        record(name, defaultValue);
        long value = number(name, defaultValue);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(name + " is out of range: " + value);
        }
        return (int) value;
    }

    /** A whole number of at least {@code min}. */
    public int atLeast(String name, int defaultValue, int min) {
        record(name, defaultValue);
        int value = integer(name, defaultValue);
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A fraction between 0 and 1 (e.g. 0.01 for one in a hundred). */
    public double fraction(String name, double defaultValue) {
        return parsed(name, defaultValue, raw -> {
            double value;
            try {
                value = Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number between 0 and 1, got '" + raw + "'");
            }
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1, got " + raw);
            }
            return value;
        });
    }

    public boolean flag(String name, boolean defaultValue) {
        return parsed(name, defaultValue, raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
        });
    }

    /** The variable's value through {@code parse} (which names the variable when it refuses), else the default. */
    private <T> T parsed(String name, T defaultValue, Function<String, T> parse) {
        record(name, defaultValue);
        Optional<String> raw = lookup(name);
        return raw.isEmpty() ? defaultValue : parse.apply(raw.get());
    }

    public Duration millis(String name, long defaultMillis) {
        record(name, defaultMillis);
        return Duration.ofMillis(number(name, defaultMillis));
    }

    /**
     * Every variable starting with {@code prefix}, renamed to a client property: the rest of the name
     * lower-cased with {@code _} as {@code .}, e.g. {@code COILSIGHT_KAFKA_SASL_JAAS_CONFIG} with prefix
     * {@code COILSIGHT_KAFKA_} is {@code sasl.jaas.config}. Sorted by property name.
     */
    public Map<String, String> passThrough(String prefix) {
        Map<String, String> out = new TreeMap<>();
        Map<String, String> found = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length() && value != null && !value.isBlank()) {
                String property = name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                out.put(property, value.trim());
                found.put(name, secret(property) ? "****" : maskedUrl(value.trim()));
            }
        });
        synchronized (reads) {
            reads.putIfAbsent(prefix + "*", null);
            found.forEach(inEffect::putIfAbsent);
        }
        return out;
    }

    /** This machine's name: {@code HOSTNAME} (a pod's name in Kubernetes), else what the resolver says, else localhost. */
    public static String hostname() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Whether a setting of this name holds a secret (passwords, passphrases, keys, JAAS configs, tokens, credentials), by its
     * name or because a Kafka client types it as a password.
     */
    public static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("passphrase") || n.contains("secret") || n.contains("jaas") || n.contains("token")
                || n.contains("credential") || n.contains("user.info") || n.contains("user_info") || n.endsWith(".key")
                || n.endsWith("_key") || n.endsWith("apikey") || n.endsWith("api.key") || KafkaPasswords.NAMES.contains(n.replace('_', '.'));
    }

    /** The settings a Kafka producer, consumer or admin client types as passwords (as they name them: dots, lower case). */
    private static final class KafkaPasswords {
        static final java.util.Set<String> NAMES = java.util.stream.Stream.of(org.apache.kafka.clients.producer.ProducerConfig.configDef(),
                        org.apache.kafka.clients.consumer.ConsumerConfig.configDef(), org.apache.kafka.clients.admin.AdminClientConfig.configDef())
                .flatMap(def -> def.configKeys().values().stream())
                .filter(key -> key.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD)
                .map(key -> key.name).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * A URL (or a comma-separated list of them) for a log line, its credentials masked: {@code https://user:****@host/...},
     * a user alone (a token) as {@code ****@host}; other URLs as they are. The credentials run to the last {@code @} of each
     * URL, so that a password holding {@code / # ? @} is masked whole.
     */
    public static String maskedUrl(String url) {
        if (url == null) {
            return null;
        }
        java.util.regex.Matcher scheme = URL_SCHEME.matcher(url);
        java.util.List<int[]> spans = new java.util.ArrayList<>();
        while (scheme.find()) {
            spans.add(new int[] {scheme.start(), scheme.end()});
        }
        StringBuilder masked = new StringBuilder(url.length());
        int copied = 0;
        for (int i = 0; i < spans.size(); i++) {
            int from = spans.get(i)[1];
            int to = i + 1 < spans.size() ? spans.get(i + 1)[0] : url.length();
            int at = url.lastIndexOf('@', to - 1);
            if (at >= from) {
                int colon = url.indexOf(':', from);
                masked.append(url, copied, from).append(colon >= 0 && colon < at ? url.substring(from, colon) + ":****" : "****").append('@');
                copied = at + 1;
            }
        }
        return masked.append(url, copied, url.length()).toString();
    }

    private static final java.util.regex.Pattern URL_SCHEME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

    /**
     * A value from outside (a request's id or header) for a log line or an error message: control characters
     * (CR, LF, ...) written as {@code \\uXXXX}, so that no value can start a forged log line, and at most 200 characters.
     */
    public static String logSafe(String value) {
        return logSafe(value, 200);
    }

    /** As {@link #logSafe(String)}, cut after {@code max} characters (a file path needs more than an id). */
    public static String logSafe(String value, int max) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
        int i = 0;
        for (; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < value.length() ? out + "..." : out.toString();
    }

    /** The value for a start-up log: {@code ****} for secrets. */
    public static String masked(String name, String value) {
        return secret(name) ? "****" : value;
    }
}
