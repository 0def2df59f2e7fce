package dev.coilsight.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The HTTP exchange with a schema registry: one request with the configured credentials and TLS,
 * retried on connection failures, 5xx and 429 with exponential backoff across every configured URL,
 * so that a registry restarting or one replica down costs a pause rather than a failed record.
 */
final class RegistryHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger log = LoggerFactory.getLogger(RegistryHttp.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;

    RegistryHttp(RegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .version(HttpClient.Version.HTTP_1_1);
        config.tls().ifPresent(tls -> builder.sslContext(sslContext(tls)));
        this.http = builder.build();
        this.authorization = config.userInfo().map(userInfo ->
                "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends one request, retrying transport failures, 5xx and 429 with exponential backoff over every URL.
     *
     * @param body the JSON body, or null for none
     * @param what what the call does, for messages ("registering X under subject Y")
     * @return the answer's JSON (an empty object for an empty 2xx answer)
     */
    JsonNode send(String method, String pathAndQuery, JsonNode body, String what) {
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
                        lastFailure = "HTTP " + status + " from " + url + ": " + RegistryErrors.registryMessage(response.body());
                        lastCause = null;
                        continue;
                    }
                    if (status == 404 && !RegistryErrors.isRegistryNotFound(response.body())) {
                        // Not the registry saying "no such schema": no registry API at this URL (a proxy, a wrong path).
                        lastFailure = "HTTP 404 without a schema registry error code from " + url + " (no Confluent-compatible API "
                                + "there? Apicurio serves it at /apis/ccompat/v7): " + RegistryErrors.registryMessage(response.body());
                        lastCause = null;
                        continue;
                    }
                    throw RegistryErrors.failure(status, response.body(), what, url);
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
