package dev.coilsight.schemas.registry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Client of the Confluent Schema Registry REST API over {@code java.net.http}. Ids and schemas are
 * cached (they never change once assigned), so steady-state serialisation makes no HTTP calls.
 * Connection failures, 5xx and 429 are retried with exponential backoff across all configured URLs
 * ({@link RegistryHttp}); other errors are reported at once with the registry's own message
 * ({@link RegistryErrors}).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    private final RegistryClientConfig config;
    private final RegistryHttp http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = new RegistryHttp(config);
    }

    @Override
    public String baseUrl() {
        return config.urls().get(0);
    }

    @Override
    public int register(String subject, Schema schema) {
        return cachedId(subject, schema, () -> {
            JsonNode response = http.send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                    "registering " + schema.getFullName() + " under subject " + subject);
            int id = requireId(response, "registration in subject " + subject);
            log.info("schema {} registered under subject {} with id {}", schema.getFullName(), subject, id);
            return id;
        });
    }

    @Override
    public int idOf(String subject, Schema schema) {
        return cachedId(subject, schema, () -> {
            JsonNode response = http.send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                    "looking up the id of " + schema.getFullName() + " under subject " + subject);
            return requireId(response, "lookup in subject " + subject);
        });
    }

    /** The id of the schema under the subject from the cache, or from {@code ask} (then cached both ways). */
    private int cachedId(String subject, Schema schema, IntSupplier ask) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        int id = ask.getAsInt();
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
        JsonNode response = http.send("GET", "/schemas/ids/" + id, null, "fetching schema id " + id);
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
            JsonNode response = http.send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
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
        ObjectNode body = RegistryHttp.JSON.createObjectNode().put("compatibility", level.name());
        http.send("PUT", "/config/" + encode(subject), body, "setting compatibility of subject " + subject + " to " + level);
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        try {
            JsonNode response = http.send("GET", "/config/" + encode(subject), null, "reading compatibility of subject " + subject);
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
        return RegistryHttp.JSON.createObjectNode().put("schema", schema.toString());
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
