package dev.coilsight.schemas.registry;

/** A schema-registry call failed; the message names the registry, the request and the registry's own words. */
public class SchemaRegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    /**
     * Whether {@code failure} or one of its causes is the registry failing to answer as it should (anything but
     * {@link NotFound}): the same record may be read later, so it must be read again, not skipped or dead-lettered.
     */
    public static boolean passing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException e) {
                return !(e instanceof NotFound);
            }
        }
        return false;
    }

    /** HTTP status of the failed response, or -1 when no response came. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40403), or -1 when it gave none. */
    public int errorCode() {
        return errorCode;
    }

    /** The schema id, subject or schema asked for is not in the registry. */
    public static final class NotFound extends SchemaRegistryException {
        public NotFound(String message, int httpStatus, int errorCode) {
            super(message, httpStatus, errorCode);
        }
    }

    /** The registry refused the schema as incompatible with the subject's earlier versions. */
    public static final class Incompatible extends SchemaRegistryException {
        public Incompatible(String message, int httpStatus, int errorCode) {
            super(message, httpStatus, errorCode);
        }
    }

    /** No answer from the registry after every retry (refused, timed out, 5xx). */
    public static final class Unavailable extends SchemaRegistryException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
