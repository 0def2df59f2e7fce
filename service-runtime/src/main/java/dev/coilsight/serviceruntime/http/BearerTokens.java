package dev.coilsight.serviceruntime.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;

/**
 * The bearer tokens a service accepts: one or more, comma-separated in one setting, so that a token can be rotated
 * without downtime (add the new one, move the clients, remove the old one). Compared in constant time, each of them
 * every time, so that the answer's timing tells nothing about a guess.
 */
public final class BearerTokens {

    /** The cookie a browser keeps the dashboard's token in. */
    public static final String COOKIE = "coilsight_token";

    private final List<byte[]> tokens;

    private BearerTokens(List<byte[]> tokens) {
        this.tokens = tokens;
    }

    /** The tokens in {@code commaSeparated}; {@code variable} names the setting in the error when there are none. */
    public static BearerTokens of(String variable, String commaSeparated) {
        List<byte[]> tokens = Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(variable + " holds no token");
        }
        if (tokens.stream().anyMatch(t -> t.length < 16)) {
            throw new IllegalArgumentException(variable + ": every token must have at least 16 characters (e.g. openssl rand -hex 16)");
        }
        return new BearerTokens(tokens);
    }

    /** The first token, the one this service sends when it calls another that accepts these (a rotation's new one goes second). */
    public String first() {
        return new String(tokens.get(0), StandardCharsets.UTF_8);
    }

    public boolean accepts(String presented) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] token : tokens) {
            match |= MessageDigest.isEqual(given, token);
        }
        return match;
    }

    /** The token in the request's {@code Authorization: Bearer} header, if it has one. */
    public static Optional<String> fromHeader(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim());
    }

    /** The token in the request's {@value #COOKIE} cookie, if it has one. */
    public static Optional<String> fromCookie(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String cookie : header.split(";")) {
                String c = cookie.trim();
                if (c.startsWith(COOKIE + "=")) {
                    return Optional.of(c.substring(COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }
}
