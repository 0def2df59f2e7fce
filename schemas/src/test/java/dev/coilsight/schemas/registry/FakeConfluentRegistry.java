package dev.coilsight.schemas.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A small in-memory server answering like Confluent Schema Registry (its response bodies, error
 * codes and {@code compatibilityLevel} spelling), for unit tests of the client's logic: request
 * shapes, caching, retries, auth and TLS. Integration tests use the real Apicurio registry instead.
 */
public final class FakeConfluentRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern CONFIG = Pattern.compile("/config/([^/]+)");
    private static final Pattern COMPAT = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");

    private final HttpServer server;
    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();
    private final Map<String, String> levels = new HashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    volatile String requiredAuthorization;
    volatile String lastContentType;
    /** The level of a subject that has none of its own: BACKWARD as Confluent's default; NONE as Apicurio without rules. */
    public volatile String defaultLevel = "BACKWARD";

    public FakeConfluentRegistry(SSLContext tls) throws IOException {
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://localhost:" + server.getAddress().getPort();
    }

    public synchronized java.util.Set<String> subjects() {
        return new java.util.HashSet<>(subjects.keySet());
    }

    void requireBasicAuth(String user, String password) {
        requiredAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (failNext.get() > 0) {
                failNext.decrementAndGet();
                reply(exchange, 503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the leader\"}");
                return;
            }
            if (requiredAuthorization != null
                    && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            JsonNode body = method.equals("GET") ? null : JSON.readTree(exchange.getRequestBody());
            Matcher m;
            if (method.equals("POST") && (m = VERSIONS.matcher(path)).matches()) {
                register(exchange, m.group(1), new Schema.Parser().parse(body.get("schema").asText()));
            } else if (method.equals("POST") && (m = COMPAT.matcher(path)).matches()) {
                compatibility(exchange, m.group(1), new Schema.Parser().parse(body.get("schema").asText()));
            } else if (method.equals("POST") && (m = LOOKUP.matcher(path)).matches()) {
                lookup(exchange, m.group(1), new Schema.Parser().parse(body.get("schema").asText()));
            } else if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
                int id = Integer.parseInt(m.group(1));
                if (id < 1 || id > schemas.size()) {
                    reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema " + id + " not found\"}");
                } else {
                    reply(exchange, 200, JSON.createObjectNode().put("schema", schemas.get(id - 1).toString()).toString());
                }
            } else if (method.equals("PUT") && (m = CONFIG.matcher(path)).matches()) {
                levels.put(m.group(1), body.get("compatibility").asText());
                reply(exchange, 200, JSON.createObjectNode().put("compatibility", body.get("compatibility").asText()).toString());
            } else if (method.equals("GET") && (m = CONFIG.matcher(path)).matches()) {
                String level = levels.get(m.group(1));
                if (level == null) {
                    reply(exchange, 404, "{\"error_code\":40408,\"message\":\"Subject '" + m.group(1) + "' does not have subject-level compatibility configured\"}");
                } else {
                    reply(exchange, 200, JSON.createObjectNode().put("compatibilityLevel", level).toString());
                }
            } else {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
            }
        }
    }

    private void register(HttpExchange exchange, String subject, Schema schema) throws IOException {
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        for (int id : versions) {
            if (schemas.get(id - 1).equals(schema)) {
                reply(exchange, 200, "{\"id\":" + id + "}");
                return;
            }
        }
        if (!versions.isEmpty() && !compatible(subject, schema, schemas.get(versions.get(versions.size() - 1) - 1))) {
            reply(exchange, 409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema for subject \\\""
                    + subject + "\\\", details: [READER_FIELD_MISSING_DEFAULT_VALUE]\"}");
            return;
        }
        schemas.add(schema);
        versions.add(schemas.size());
        reply(exchange, 200, "{\"id\":" + schemas.size() + "}");
    }

    private void lookup(HttpExchange exchange, String subject, Schema schema) throws IOException {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject '" + subject + "' not found.\"}");
            return;
        }
        for (int i = 0; i < versions.size(); i++) {
            int id = versions.get(i);
            if (schemas.get(id - 1).equals(schema)) {
                reply(exchange, 200, JSON.createObjectNode().put("subject", subject).put("version", i + 1)
                        .put("id", id).put("schema", schema.toString()).toString());
                return;
            }
        }
        reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
    }

    private void compatibility(HttpExchange exchange, String subject, Schema schema) throws IOException {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject '" + subject + "' not found.\"}");
            return;
        }
        boolean ok = compatible(subject, schema, schemas.get(versions.get(versions.size() - 1) - 1));
        reply(exchange, 200, ok ? "{\"is_compatible\":true,\"messages\":[]}"
                : "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE\"]}");
    }

    private boolean compatible(String subject, Schema reader, Schema writer) {
        return "NONE".equals(levels.getOrDefault(subject, defaultLevel)) || SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
