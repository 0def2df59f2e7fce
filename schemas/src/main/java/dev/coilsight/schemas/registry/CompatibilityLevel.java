package dev.coilsight.schemas.registry;

/** Compatibility levels as the Confluent Schema Registry API names them. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
