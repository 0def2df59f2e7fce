package dev.coilsight.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;

/**
 * A registry in memory, for where no registry runs: TopologyTestDriver tests of the aggregation logic and the serde
 * micro-benchmark. Every schema is compatible; ids count from 1 in the order schemas were first registered.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final List<Schema> schemas = new ArrayList<>();
    private final Map<String, Map<Schema, Integer>> subjects = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = schemas.indexOf(schema);
        if (id < 0) {
            schemas.add(schema);
            id = schemas.size() - 1;
        }
        subjects.computeIfAbsent(subject, s -> new HashMap<>()).put(schema, id + 1);
        return id + 1;
    }

    @Override
    public synchronized int idOf(String subject, Schema schema) {
        Integer id = subjects.getOrDefault(subject, Map.of()).get(schema);
        if (id == null) {
            throw new SchemaRegistryException.NotFound("schema not registered under " + subject, 404, 40403);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaRegistryException.NotFound("no schema " + id, 404, 40403);
        }
        return schemas.get(id - 1);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        return CompatibilityResult.ok();
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        return Optional.empty();
    }

    @Override
    public String baseUrl() {
        return "memory:";
    }

    @Override
    public void close() {
    }
}
