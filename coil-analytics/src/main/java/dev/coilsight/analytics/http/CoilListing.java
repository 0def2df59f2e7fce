package dev.coilsight.analytics.http;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.type.TypeReference;

import dev.coilsight.analytics.query.CoilOrder;
import dev.coilsight.analytics.query.TopCoils;
import dev.coilsight.schemas.CoilDefectStats;

/**
 * The coil list, {@code GET /v1/coils}, bounded in work and size however many coils there are: each instance
 * sends only its first {@code (page + 1) * size} coils of the order and its count ({@code /internal/v1/coils}),
 * and the asked instance merges those parts into the page. Lists reach at most {@value #MAX_DEPTH} coils deep.
 */
final class CoilListing {

    static final int MAX_PAGE_SIZE = 500;
    /** The deepest coil of an order a page may reach, as search engines bound their result windows. */
    static final int MAX_DEPTH = 10_000;

    /** What {@code GET /v1/coils} asked for. */
    record Request(int page, int size, CoilOrder order) {
        /** How many coils of the order each instance must send for this page. */
        int depth() {
            return (page + 1) * size;
        }
    }

    /** One instance's part as the internal answer carries it: its coil count and first coils as JSON views. */
    record Part(long total, List<Map<String, Object>> coils) {
    }

    private CoilListing() {
    }

    static Request request(Map<String, String> query) {
        int page = Requests.intParam(query, "page", 0, 0, MAX_DEPTH - 1);
        int size = Requests.intParam(query, "size", 50, 1, MAX_PAGE_SIZE);
        if ((long) (page + 1) * size > MAX_DEPTH) {
            throw new Requests.Failure(400, "page and size must stay within the first " + MAX_DEPTH + " coils of the order ((page + 1) * size <= "
                    + MAX_DEPTH + "), got page " + page + " of size " + size);
        }
        return new Request(page, size, order(query));
    }

    /** The internal request's {@code limit}: how many coils of the order this instance sends. */
    static int limit(Map<String, String> query) {
        return Requests.intParam(query, "limit", 50, 1, MAX_DEPTH);
    }

    static CoilOrder order(Map<String, String> query) {
        String sort = query.getOrDefault("sort", CoilOrder.DEFECT_RATE.parameter());
        return CoilOrder.named(sort).orElseThrow(() -> new Requests.Failure(400, "sort must be defectRate, recent or coilId, got '" + sort + "'"));
    }

    /** The internal query for an instance's part of {@code request}'s page. */
    static String internalPath(Request request) {
        return "/internal/v1/coils?sort=" + request.order().parameter() + "&limit=" + request.depth();
    }

    static Part part(TopCoils.Part top) {
        List<Map<String, Object>> coils = new ArrayList<>(top.coils().size());
        for (CoilDefectStats s : top.coils()) {
            coils.add(JsonViews.stats(s));
        }
        return new Part(top.total(), coils);
    }

    static Map<String, Object> body(Part part) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", part.total());
        body.put("coils", part.coils());
        return body;
    }

    static Part read(byte[] answer) throws IOException {
        JsonNode body = HttpAnswers.JSON.readTree(answer);
        TypeReference<List<Map<String, Object>>> coils = new TypeReference<>() {
        };
        if (body.isArray()) {
            // An instance of an earlier release answers every coil it holds as a plain array.
            List<Map<String, Object>> all = HttpAnswers.JSON.convertValue(body, coils);
            return new Part(all.size(), all);
        }
        if (!body.hasNonNull("total") || !body.has("coils")) {
            throw new IOException("an internal coil list without total and coils: " + body.toString().substring(0, Math.min(200, body.toString().length())));
        }
        return new Part(body.get("total").asLong(), HttpAnswers.JSON.convertValue(body.get("coils"), coils));
    }

    /** The page of {@code request} from every instance's part. */
    static Map<String, Object> page(Request request, List<Part> parts) {
        Comparator<Map<String, Object>> order = Comparator.comparing(CoilListing::key, request.order().keys());
        List<Map<String, Object>> all = new ArrayList<>();
        long total = 0;
        for (Part p : parts) {
            total += p.total();
            all.addAll(p.coils());
        }
        all.sort(order);
        int from = Math.min(request.page() * request.size(), all.size());
        int to = Math.min(from + request.size(), all.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", total);
        body.put("page", request.page());
        body.put("size", request.size());
        body.put("sort", request.order().parameter());
        body.put("coils", new ArrayList<>(all.subList(from, to)));
        return body;
    }

    private static CoilOrder.Key key(Map<String, Object> coil) {
        return new CoilOrder.Key(((Number) coil.get("defectRate")).doubleValue(), Instant.parse((String) coil.get("lastCapturedAt")).toEpochMilli(),
                (String) coil.get("coilId"));
    }
}
