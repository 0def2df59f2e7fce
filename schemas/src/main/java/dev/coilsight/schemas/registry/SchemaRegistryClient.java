package dev.coilsight.schemas.registry;

import java.util.Optional;

import org.apache.avro.Schema;

/**
 * The calls Coilsight makes on a registry speaking the Confluent Schema Registry REST API
 * (Confluent itself, Apicurio's {@code /apis/ccompat/v7}, Karapace, Redpanda).
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers the schema under the subject (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject; {@link SchemaRegistryException.NotFound} if it is not. */
    int idOf(String subject, Schema schema);

    /** The schema with this global id; {@link SchemaRegistryException.NotFound} if the registry does not know it. */
    Schema schemaById(int id);

    /** Whether the schema could be registered under the subject now; a subject with no versions accepts anything. */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /** Sets the subject's compatibility level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** The subject's own compatibility level, if one is set. */
    Optional<CompatibilityLevel> compatibility(String subject);

    /** Where the client sends requests (first URL), for messages. */
    String baseUrl();

    @Override
    void close();
}
