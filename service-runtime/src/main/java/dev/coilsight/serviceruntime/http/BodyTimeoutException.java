package dev.coilsight.serviceruntime.http;

import java.io.IOException;

/** A request body did not arrive within the request timeout ({@code COILSIGHT_HTTP_REQUEST_TIMEOUT_MS}): answer 408. */
public final class BodyTimeoutException extends IOException {

    public BodyTimeoutException(String message) {
        super(message);
    }
}
