package dev.coilsight.analytics.grading;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.coilsight.analytics.periodic.PeriodicSettings;

/**
 * The grading rules of a plant: one versioned JSON file of products, with what counts as a periodic defect and when to
 * alert (see docs/QUALITY.md). Read once at start and
 * validated whole; an error names the file, the line and the field, so a bad edit stops the service before it
 * grades anything.
 */
public record GradingRules(String version, List<ProductRules> products, PeriodicSettings periodic, AlertRules alerts) {

    public static final String ANY_LINE = "*";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    public GradingRules {
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version: the rules file needs a version, which every grade carries");
        }
        if (products == null || products.isEmpty()) {
            throw new IllegalArgumentException("products: the rules file needs at least one product");
        }
        products = List.copyOf(products);
        periodic = periodic == null ? PeriodicSettings.DEFAULT : periodic;
        alerts = alerts == null ? AlertRules.DEFAULT : alerts;
        Map<String, String> lineOwners = new HashMap<>();
        for (ProductRules p : products) {
            for (String line : p.lines()) {
                String other = lineOwners.put(line, p.product());
                if (other != null) {
                    throw new IllegalArgumentException("lines: line '" + line + "' belongs to both '" + other + "' and '" + p.product() + "'");
                }
            }
        }
        if (!lineOwners.containsKey(ANY_LINE)) {
            throw new IllegalArgumentException("lines: one product must name line \"*\", the rules for coils of every other line, "
                    + "so that no coil goes ungraded");
        }
    }

    /** The lines the products name (not {@code "*"}). */
    public java.util.Set<String> namedLines() {
        java.util.Set<String> lines = new java.util.TreeSet<>();
        products.forEach(p -> p.lines().stream().filter(line -> !ANY_LINE.equals(line)).forEach(lines::add));
        return lines;
    }

    /** The rules for a coil of the line ({@code null} or unknown: the {@code "*"} product). */
    public ProductRules forLine(String lineId) {
        ProductRules any = null;
        for (ProductRules p : products) {
            if (lineId != null && p.lines().contains(lineId)) {
                return p;
            }
            if (p.lines().contains(ANY_LINE)) {
                any = p;
            }
        }
        return any;
    }

    public static GradingRules read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the grading rules: " + e.getMessage(), e);
        }
    }

    public static GradingRules parse(InputStream in, String source) {
        try {
            return JSON.readValue(in, GradingRules.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + where(e) + ": " + reason(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot read the grading rules: " + e.getMessage(), e);
        }
    }

    /** The rules shipped with Coilsight, for a line that configures none. */
    public static GradingRules defaults() {
        try (InputStream in = GradingRules.class.getResourceAsStream("/grading/default-rules.json")) {
            return parse(in, "default-rules.json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String line = at == null || at.getLineNr() < 0 ? "" : ":" + at.getLineNr();
        String path = e instanceof JsonMappingException m ? fieldPath(m) : "";
        return line + (path.isEmpty() ? "" : " (" + path + ")");
    }

    /** {@code products[0].rules[2].grade} from the chain of references Jackson followed. */
    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String reason(JsonProcessingException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
