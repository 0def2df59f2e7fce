package dev.coilsight.analytics.review;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may review, from {@code COILSIGHT_ANALYTICS_REVIEWER_TOKENS}: comma-separated {@code name=token} pairs. The name
 * is what a review records as its reviewer; a person may hold two tokens during a rotation.
 */
public final class ReviewerTokens {

    public static final String VARIABLE = "COILSIGHT_ANALYTICS_REVIEWER_TOKENS";

    private record Entry(String name, byte[] token) {
    }

    private final List<Entry> entries;

    private ReviewerTokens(List<Entry> entries) {
        this.entries = entries;
    }

    public static ReviewerTokens parse(String pairs) {
        List<Entry> entries = new ArrayList<>();
        for (String pair : pairs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq).trim();
            String token = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (name.isEmpty() || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new IllegalArgumentException(VARIABLE + ": each entry must be name=token with a name of 1 to 64 letters, digits or ._@-");
            }
            if (token.length() < 16) {
                throw new IllegalArgumentException(VARIABLE + ": the token of '" + name + "' must have at least 16 characters (e.g. openssl rand -hex 16)");
            }
            entries.add(new Entry(name, token.getBytes(StandardCharsets.UTF_8)));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(VARIABLE + " holds no name=token pair");
        }
        return new ReviewerTokens(List.copyOf(entries));
    }

    /** The reviewer a presented token belongs to; every token is compared, in constant time each. */
    public Optional<String> reviewer(String presented) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(given, entry.token()) && found == null) {
                found = entry.name();
            }
        }
        return Optional.ofNullable(found);
    }
}
