package dev.coilsight.schemas.registry;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a schema registry's error answers: the Confluent {@code error_code} and {@code message} of the
 * body, and the exception each HTTP status stands for, with the registry's own words in its message.
 */
final class RegistryErrors {

    private RegistryErrors() {
    }

    static SchemaRegistryException failure(int status, String body, String what, String url) {
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
    static boolean isRegistryNotFound(String body) {
        int code = errorCode(body);
        return code >= 40400 && code <= 40499;
    }

    private static int errorCode(String body) {
        try {
            return RegistryHttp.JSON.readTree(body).path("error_code").asInt(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The registry's {@code message} field, or the start of the raw body when it is not JSON. */
    static String registryMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(empty response)";
        }
        try {
            JsonNode node = RegistryHttp.JSON.readTree(body);
            if (node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON
        }
        String trimmed = body.strip();
        return trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed;
    }
}
