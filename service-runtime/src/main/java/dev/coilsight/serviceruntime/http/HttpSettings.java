package dev.coilsight.serviceruntime.http;

import java.time.Duration;

import dev.coilsight.serviceruntime.config.Env;

/**
 * How a service's HTTP front takes connections and requests. From {@code COILSIGHT_HTTP_*}:
 * <ul>
 *   <li>{@code COILSIGHT_HTTP_HOST} [0.0.0.0], {@code COILSIGHT_HTTP_PORT} [the service's own]</li>
 *   <li>{@code COILSIGHT_HTTP_MAX_REQUESTS} [the service's own]: requests handled at once; beyond it 503 with
 *       {@code Retry-After} (the probes and /metrics are not counted)</li>
 *   <li>{@code COILSIGHT_HTTP_IDLE_TIMEOUT_MS} [10000]: a connection that sends nothing this long is closed</li>
 *   <li>{@code COILSIGHT_HTTP_HEADER_TIMEOUT_MS} [10000]: a connection that has not sent a complete request head
 *       this long after it opened or after its last answer is closed (headers trickling a byte at a time are never idle)</li>
 *   <li>{@code COILSIGHT_HTTP_REQUEST_TIMEOUT_MS} [30000]: a request body still arriving after this long is
 *       refused with 408 and its connection closed (a body trickling in a byte at a time is never idle)</li>
 *   <li>{@code COILSIGHT_HTTP_MAX_HEADER_BYTES} [16384]: larger request headers get 431</li>
 *   <li>{@code COILSIGHT_HTTP_MAX_CONNECTIONS} [1024]: open connections at most</li>
 * </ul>
 */
public record HttpSettings(String host, int port, int maxRequests, Duration idleTimeout, Duration requestTimeout, int maxHeaderBytes,
                           int maxConnections, Duration headerTimeout) {

    /** With the header timeout equal to the idle timeout. */
    public HttpSettings(String host, int port, int maxRequests, Duration idleTimeout, Duration requestTimeout, int maxHeaderBytes,
                        int maxConnections) {
        this(host, port, maxRequests, idleTimeout, requestTimeout, maxHeaderBytes, maxConnections, idleTimeout);
    }

    public HttpSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("COILSIGHT_HTTP_PORT must be 0..65535, got " + port);
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("COILSIGHT_HTTP_MAX_REQUESTS must be at least 1, got " + maxRequests);
        }
        if (idleTimeout.toMillis() < 1 || requestTimeout.toMillis() < 1 || headerTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("COILSIGHT_HTTP_IDLE_TIMEOUT_MS, COILSIGHT_HTTP_REQUEST_TIMEOUT_MS and "
                    + "COILSIGHT_HTTP_HEADER_TIMEOUT_MS must be positive, got " + idleTimeout.toMillis() + ", " + requestTimeout.toMillis()
                    + " and " + headerTimeout.toMillis());
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("COILSIGHT_HTTP_MAX_HEADER_BYTES must be at least 1024, got " + maxHeaderBytes);
        }
        if (maxConnections < maxRequests) {
            throw new IllegalArgumentException("COILSIGHT_HTTP_MAX_CONNECTIONS (" + maxConnections + ") must be at least "
                    + "COILSIGHT_HTTP_MAX_REQUESTS (" + maxRequests + ")");
        }
    }

    /** The settings from the environment, with the service's own port and request bound as defaults. */
    public static HttpSettings fromEnv(Env env, int defaultPort, int defaultMaxRequests) {
        return new HttpSettings(
                env.string("COILSIGHT_HTTP_HOST", "0.0.0.0"),
                env.integer("COILSIGHT_HTTP_PORT", defaultPort),
                env.integer("COILSIGHT_HTTP_MAX_REQUESTS", defaultMaxRequests),
                env.millis("COILSIGHT_HTTP_IDLE_TIMEOUT_MS", 10_000),
                env.millis("COILSIGHT_HTTP_REQUEST_TIMEOUT_MS", 30_000),
                env.integer("COILSIGHT_HTTP_MAX_HEADER_BYTES", 16_384),
                env.integer("COILSIGHT_HTTP_MAX_CONNECTIONS", 1024),
                env.millis("COILSIGHT_HTTP_HEADER_TIMEOUT_MS", 10_000));
    }
}
