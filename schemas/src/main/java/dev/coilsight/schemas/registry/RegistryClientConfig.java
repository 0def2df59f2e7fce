package dev.coilsight.schemas.registry;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed settings of the registry client, read from the same keys Confluent's clients use so that
 * existing Kafka client configuration carries over:
 * <ul>
 *   <li>{@code schema.registry.url}: one or more base URLs, comma-separated (required)</li>
 *   <li>{@code basic.auth.credentials.source}: {@code USER_INFO} (with {@code basic.auth.user.info=user:password})
 *       or {@code URL} (credentials in the URL's user-info part)</li>
 *   <li>{@code schema.registry.ssl.truststore.location|password|type}, {@code schema.registry.ssl.keystore.location|password|type},
 *       {@code schema.registry.ssl.key.password}: TLS with a private CA or client certificates; without them the JVM's
 *       default trust store is used for https URLs</li>
 *   <li>{@code schema.registry.request.timeout.ms} (default 10000), {@code schema.registry.retries} (default 5),
 *       {@code schema.registry.retry.backoff.ms} (default 200, doubling), {@code schema.registry.retry.backoff.max.ms} (default 5000)</li>
 * </ul>
 */
public record RegistryClientConfig(
        List<String> urls,
        Optional<String> userInfo,
        Optional<TlsSettings> tls,
        Duration requestTimeout,
        int retries,
        Duration retryBackoff,
        Duration retryBackoffMax) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String RETRIES = "schema.registry.retries";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";

    /** Key and trust material for https registries. */
    public record TlsSettings(
            Optional<String> truststoreLocation, Optional<String> truststorePassword, String truststoreType,
            Optional<String> keystoreLocation, Optional<String> keystorePassword, String keystoreType,
            Optional<String> keyPassword) {

        /** The stores and their types; the passwords masked. */
        @Override
        public String toString() {
            return "TlsSettings[truststore=" + truststoreLocation.orElse("none") + " (" + truststoreType + "), keystore="
                    + keystoreLocation.orElse("none") + " (" + keystoreType + "), passwords ****]";
        }
    }

    /** The settings with the credentials masked: a record's own toString would print the password. */
    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", userInfo=" + userInfo.map(u -> u.substring(0, u.indexOf(':') + 1) + "****")
                .orElse("none") + ", tls=" + tls.map(TlsSettings::toString).orElse("none") + ", requestTimeout=" + requestTimeout
                + ", retries=" + retries + "]";
    }

    public RegistryClientConfig {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " is required (e.g. http://localhost:8081)");
        }
        for (String url : urls) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException("the schema registry URL (--registry, COILSIGHT_SCHEMA_REGISTRY_URL, " + URL
                        + ") must be http:// or https://, got '" + masked(url) + "'");
            }
        }
        if (retries < 0) {
            throw new IllegalArgumentException(RETRIES + " must be >= 0, got " + retries);
        }
    }

    /** Just a URL, everything else at defaults. */
    public static RegistryClientConfig forUrl(String url) {
        return fromMap(Map.of(URL, url));
    }

    /** Client configuration for a registry URL with optional {@code user:password} basic auth. */
    public static Map<String, Object> clientSettings(String url, Optional<String> userInfo) {
        Map<String, Object> configs = new LinkedHashMap<>();
        configs.put(URL, url);
        userInfo.ifPresent(u -> {
            configs.put(CREDENTIALS_SOURCE, "USER_INFO");
            configs.put(USER_INFO, u);
        });
        return configs;
    }

    /** Reads the settings from Kafka-style client configuration. */
    public static RegistryClientConfig fromMap(Map<String, ?> configs) {
        String rawUrls = string(configs, URL).orElseThrow(
                () -> new IllegalArgumentException(URL + " is required (e.g. http://localhost:8081)"));
        List<String> urls = Arrays.stream(rawUrls.split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
                .toList();
        for (String url : urls) {
            if ((url.startsWith("http://") || url.startsWith("https://")) && uri(url).getHost() == null) {
                // java.net.URI then finds no user info either, and the credentials would stay in the URL, its requests and errors.
                throw new IllegalArgumentException("the schema registry URL (COILSIGHT_SCHEMA_REGISTRY_URL, " + URL + ") has no host a client "
                        + "can reach: " + masked(url) + " (a user name or password holding / # ? @ must be percent-encoded, or given in "
                        + "COILSIGHT_SCHEMA_REGISTRY_USER_INFO)");
            }
        }
        String source = string(configs, CREDENTIALS_SOURCE).orElse("URL").toUpperCase();
        Optional<String> userInfo = switch (source) {
            case "USER_INFO" -> Optional.of(string(configs, USER_INFO).orElseThrow(() -> new IllegalArgumentException(
                    CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO + "=user:password")));
            case "URL" -> urls.isEmpty() ? Optional.empty() : Optional.ofNullable(uri(urls.get(0)).getUserInfo());
            default -> throw new IllegalArgumentException(CREDENTIALS_SOURCE + " must be USER_INFO or URL, got '" + source + "'");
        };
        if (userInfo.isPresent() && !userInfo.get().contains(":")) {
            throw new IllegalArgumentException("basic auth credentials must be user:password");
        }
        Optional<TlsSettings> tls = Optional.empty();
        if (string(configs, TRUSTSTORE_LOCATION).isPresent() || string(configs, KEYSTORE_LOCATION).isPresent()) {
            tls = Optional.of(new TlsSettings(
                    string(configs, TRUSTSTORE_LOCATION), string(configs, TRUSTSTORE_PASSWORD),
                    string(configs, TRUSTSTORE_TYPE).orElse("PKCS12"),
                    string(configs, KEYSTORE_LOCATION), string(configs, KEYSTORE_PASSWORD),
                    string(configs, KEYSTORE_TYPE).orElse("PKCS12"),
                    string(configs, KEY_PASSWORD)));
        }
        return new RegistryClientConfig(urls.stream().map(RegistryClientConfig::withoutUserInfo).toList(),
                userInfo, tls,
                Duration.ofMillis(number(configs, REQUEST_TIMEOUT_MS, 10_000)),
                (int) number(configs, RETRIES, 5),
                Duration.ofMillis(number(configs, RETRY_BACKOFF_MS, 200)),
                Duration.ofMillis(number(configs, RETRY_BACKOFF_MAX_MS, 5_000)));
    }

    /**
     * The URL parsed; one that does not parse is named with its credentials masked ({@code URI.create} would quote all of
     * it, a password with a stray {@code %} included, into a message that start-up logs print).
     */
    private static java.net.URI uri(String url) {
        try {
            return new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(URL + " is not a URL: " + masked(url) + " (" + e.getReason() + ")");
        }
    }

    /** A URL for a message: everything before its last {@code @} after the scheme (the credentials) as {@code ****}. */
    private static String masked(String url) {
        int at = url.lastIndexOf('@');
        int scheme = url.indexOf("://");
        int start = scheme >= 0 ? scheme + 3 : 0;
        return at >= start ? url.substring(0, start) + "****@" + url.substring(at + 1) : url;
    }

    private static String withoutUserInfo(String url) {
        java.net.URI uri = uri(url);
        if (uri.getUserInfo() == null) {
            return url;
        }
        return url.replace(uri.getRawUserInfo() + "@", "");
    }

    private static Optional<String> string(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            return Optional.empty();
        }
        String s = value instanceof org.apache.kafka.common.config.types.Password p ? p.value() : value.toString();
        return s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static long number(Map<String, ?> configs, String key, long defaultValue) {
        Optional<String> raw = string(configs, key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + raw.get() + "'");
        }
    }
}
