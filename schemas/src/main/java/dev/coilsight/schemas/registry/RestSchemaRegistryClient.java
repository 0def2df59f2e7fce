package dev.coilsight.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Client of the Confluent Schema Registry REST API over {@code java.net.http}. Ids and schemas are
 * cached (they never change once assigned), so steady-state serialisation makes no HTTP calls.
 * Connection failures, 5xx and 429 are retried with exponential backoff across all configured URLs;
 * other errors are reported at once with the registry's own message.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        config.tls().ifPresent(tls -> builder.sslContext(sslContext(tls)));
        this.http = builder.build();
        this.authorization = config.userInfo().map(userInfo ->
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String baseUrl() {
        return config.urls().get(0);
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "registering " + schema.getFullName() + " under subject " + subject);
        int id = requireId(response, "registration in subject " + subject);
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        log.info("schema {} registered under subject {} with id {}", schema.getFullName(), subject, id);
        return id;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode response = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "looking up the id of " + schema.getFullName() + " under subject " + subject);
        int id = requireId(response, "lookup in subject " + subject);
        idsBySubjectSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private int requireId(JsonNode response, String what) {
        int id = response.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registry at " + baseUrl() + " answered the " + what
                    + " without a schema id: " + response, 200, -1);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode response = send("GET", "/schemas/ids/" + id, null, "fetching schema id " + id);
        String text = response.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException("registry at " + baseUrl() + " returned no schema text for id " + id, 200, -1);
        }
        Schema schema = new Schema.Parser().parse(text);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        try {
            JsonNode response = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema), "testing compatibility of " + schema.getFullName() + " with subject " + subject);
            List<String> messages = new ArrayList<>();
            response.path("messages").forEach(m -> messages.add(m.asText()));
            return new CompatibilityResult(response.path("is_compatible").asBoolean(false), messages);
        } catch (SchemaRegistryException.NotFound e) {
            return CompatibilityResult.ok(); // no versions yet: nothing to be compatible with
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        send("PUT", "/config/" + encode(subject), body, "setting compatibility of subject " + subject + " to " + level);
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        try {
            JsonNode response = send("GET", "/config/" + encode(subject), null, "reading compatibility of subject " + subject);
            // Confluent says compatibilityLevel; some registries say compatibility.
            String level = response.hasNonNull("compatibilityLevel")
                    ? response.get("compatibilityLevel").asText()
                    : response.path("compatibility").asText(null);
            return level == null ? Optional.empty() : Optional.of(CompatibilityLevel.valueOf(level));
        } catch (SchemaRegistryException.NotFound e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        // java.net.http.HttpClient in Java 17 has no close(); its threads are daemons.
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    /** Sends one request, retrying transport failures, 5xx and 429 with exponential backoff over every URL. */
    private JsonNode send(String method, String pathAndQuery, JsonNode body, String what) {
        long started = System.nanoTime();
        String lastFailure = "no attempt made";
        Throwable lastCause = null;
        long backoff = config.retryBackoff().toMillis();
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            for (String url : config.urls()) {
                HttpRequest request = request(method, url + pathAndQuery, body);
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
                    }
                    if (status >= 500 || status == 429) {
                        lastFailure = "HTTP " + status + " from " + url + ": " + registryMessage(response.body());
                        lastCause = null;
                        continue;
                    }
                    if (status == 404 && !isRegistryNotFound(response.body())) {
                        // Not the registry saying "no such schema": no registry API at this URL (a proxy, a wrong path).
                        lastFailure = "HTTP 404 without a schema registry error code from " + url + " (no Confluent-compatible API "
                                + "there? Apicurio serves it at /apis/ccompat/v7): " + registryMessage(response.body());
                        lastCause = null;
                        continue;
                    }
                    throw failure(status, response.body(), what, url);
                } catch (IOException e) {
                    if (isTlsFailure(e)) {
                        // A trust or certificate problem does not heal with retries.
                        throw new SchemaRegistryException("TLS handshake with the registry at " + url + " failed while "
                                + what + ": " + e.getMessage() + "; check " + RegistryClientConfig.TRUSTSTORE_LOCATION, e);
                    }
                    lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + " (" + url + ")";
                    lastCause = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryException.Unavailable("interrupted while " + what, e);
                }
            }
            if (attempt < config.retries()) {
                long sleep = backoff + ThreadLocalRandom.current().nextLong(Math.max(1, backoff / 5));
                log.warn("schema registry call failed while {} (attempt {}/{}): {}; retrying in {} ms",
                        what, attempt + 1, config.retries() + 1, lastFailure, sleep);
                sleepMillis(sleep);
                backoff = Math.min(backoff * 2, config.retryBackoffMax().toMillis());
            }
        }
        throw new SchemaRegistryException.Unavailable("schema registry at " + String.join(",", config.urls())
                + " unreachable while " + what + " after " + (config.retries() + 1) + " attempts over "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms; last failure: " + lastFailure,
                lastCause);
    }

    private static boolean isTlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private HttpRequest request(String method, String url, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> builder.header("Authorization", a));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return builder.build();
    }

    private static SchemaRegistryException failure(int status, String body, String what, String url) {
        int errorCode = errorCode(body);
        String message = registryMessage(body);
        String where = " (registry " + url + ", HTTP " + status + (errorCode > 0 ? ", error " + errorCode : "") + ")";
        return switch (status) {
            case 404 -> new SchemaRegistryException.NotFound("not found while " + what + ": " + message + where, status, errorCode);
            case 409 -> new SchemaRegistryException.Incompatible(
                    "the registry rejected the schema as incompatible while " + what + ": " + message + where, status, errorCode);
            case 401, 403 -> new SchemaRegistryException("the registry refused our credentials while " + what + ": "
                    + message + where + "; check basic.auth.user.info", status, errorCode);
            case 422 -> new SchemaRegistryException("the registry found the schema or request invalid while " + what + ": "
                    + message + where, status, errorCode);
            default -> new SchemaRegistryException("the registry failed while " + what + ": " + message + where, status, errorCode);
        };
    }

    /** Confluent's "not found" answers carry an error code 40401..40499 (subject, version, schema, config ...). */
    private static boolean isRegistryNotFound(String body) {
        int code = errorCode(body);
        return code >= 40400 && code <= 40499;
    }

    private static int errorCode(String body) {
        try {
            return JSON.readTree(body).path("error_code").asInt(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The registry's {@code message} field, or the start of the raw body when it is not JSON. */
    private static String registryMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(empty response)";
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON
        }
        String trimmed = body.strip();
        return trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed;
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext sslContext(RegistryClientConfig.TlsSettings tls) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(tls.truststoreLocation().isPresent()
                    ? load(tls.truststoreLocation().get(), tls.truststorePassword(), tls.truststoreType()) : null);
            KeyManagerFactory kmf = null;
            if (tls.keystoreLocation().isPresent()) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(tls.keystoreLocation().get(), tls.keystorePassword(), tls.keystoreType()),
                        tls.keyPassword().or(tls::keystorePassword).orElse("").toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("could not set up TLS for the schema registry: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, Optional<String> password, String type)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Paths.get(location))) {
            store.load(in, password.map(String::toCharArray).orElse(null));
        }
        return store;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException.Unavailable("interrupted while waiting to retry", e);
        }
    }
}
