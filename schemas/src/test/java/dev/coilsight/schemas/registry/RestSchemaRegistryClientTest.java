package dev.coilsight.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.schemas.ImageCaptured;

/** The client's logic against a server that answers like Confluent Schema Registry. */
class RestSchemaRegistryClientTest {

    private static final String SUBJECT = "steel.images-value";
    private FakeConfluentRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeConfluentRegistry(null);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> configs = new HashMap<>(extra);
        configs.putIfAbsent(RegistryClientConfig.URL, registry.url());
        configs.putIfAbsent(RegistryClientConfig.RETRY_BACKOFF_MS, "5");
        return new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
    }

    @Test
    void registersLooksUpAndFetchesWithTheConfluentMediaType() {
        RestSchemaRegistryClient client = client(Map.of());
        int id = client.register(SUBJECT, ImageCaptured.getClassSchema());

        assertThat(registry.lastContentType).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(client(Map.of()).idOf(SUBJECT, ImageCaptured.getClassSchema())).isEqualTo(id);
        assertThat(client(Map.of()).schemaById(id)).isEqualTo(ImageCaptured.getClassSchema());
    }

    @Test
    void idsAndSchemasAreCachedAfterTheFirstCall() {
        RestSchemaRegistryClient client = client(Map.of());
        int id = client.register(SUBJECT, ImageCaptured.getClassSchema());
        int before = registry.requests.get();

        for (int i = 0; i < 100; i++) {
            assertThat(client.register(SUBJECT, ImageCaptured.getClassSchema())).isEqualTo(id);
            assertThat(client.schemaById(id)).isNotNull();
        }

        assertThat(registry.requests.get()).isEqualTo(before);
    }

    @Test
    void unknownSchemaIdIsReportedAsNotFound() {
        assertThatThrownBy(() -> client(Map.of()).schemaById(4242))
                .isInstanceOf(SchemaRegistryException.NotFound.class)
                .hasMessageContaining("schema id 4242")
                .hasMessageContaining("40403")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(404));
    }

    @Test
    void aNotFoundWithoutTheRegistrysErrorCodeIsAnUnavailableRegistryNotAnUnknownSchema() throws Exception {
        // A URL without /apis/ccompat/v7, a proxy: 404 for every path, no error_code.
        com.sun.net.httpserver.HttpServer wrongPath = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        wrongPath.createContext("/", exchange -> {
            byte[] body = "<html>Not Found</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        wrongPath.start();
        try {
            String url = "http://127.0.0.1:" + wrongPath.getAddress().getPort();
            assertThatThrownBy(() -> client(Map.of(RegistryClientConfig.URL, url, "schema.registry.retries", "1")).schemaById(1))
                    .isInstanceOf(SchemaRegistryException.Unavailable.class)
                    .hasMessageContaining("HTTP 404 without a schema registry error code")
                    .hasMessageContaining("/apis/ccompat/v7");
        } finally {
            wrongPath.stop(0);
        }
    }

    @Test
    void incompatibleRegistrationPassesTheRegistrysMessageOn() {
        RestSchemaRegistryClient client = client(Map.of());
        client.register(SUBJECT, ImageCaptured.getClassSchema());
        Schema breaking = SchemaBuilder.record("ImageCaptured").namespace("dev.coilsight.schemas").fields()
                .requiredString("imageId").requiredLong("exposureUs").endRecord();

        assertThat(client.testCompatibility(SUBJECT, breaking).compatible()).isFalse();
        assertThat(client.testCompatibility(SUBJECT, breaking).messages()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThatThrownBy(() -> client.register(SUBJECT, breaking))
                .isInstanceOf(SchemaRegistryException.Incompatible.class)
                .hasMessageContaining("incompatible with an earlier schema for subject \"steel.images-value\"");
    }

    @Test
    void aSubjectWithoutVersionsAcceptsAnySchema() {
        assertThat(client(Map.of()).testCompatibility("new-subject-value", ImageCaptured.getClassSchema()).compatible())
                .isTrue();
    }

    @Test
    void compatibilityLevelIsSetAndReadInConfluentsSpelling() {
        RestSchemaRegistryClient client = client(Map.of());
        assertThat(client.compatibility(SUBJECT)).isEmpty();

        client.setCompatibility(SUBJECT, CompatibilityLevel.BACKWARD);

        assertThat(client.compatibility(SUBJECT)).contains(CompatibilityLevel.BACKWARD);
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        registry.failNext.set(3);

        int id = client(Map.of(RegistryClientConfig.RETRIES, "5")).register(SUBJECT, ImageCaptured.getClassSchema());

        assertThat(id).isPositive();
        assertThat(registry.requests.get()).isEqualTo(4);
    }

    @Test
    void anUnreachableRegistryFailsAfterTheConfiguredAttemptsNamingTheCause() throws IOException {
        int closedPort = closedPort();
        RestSchemaRegistryClient client = client(Map.of(
                RegistryClientConfig.URL, "http://127.0.0.1:" + closedPort,
                RegistryClientConfig.RETRIES, "2"));

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("unreachable")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void fallsOverToTheNextUrlWhenTheFirstIsDown() throws IOException {
        int closedPort = closedPort();
        RestSchemaRegistryClient client = client(Map.of(
                RegistryClientConfig.URL, "http://127.0.0.1:" + closedPort + "," + registry.url(),
                RegistryClientConfig.RETRIES, "0"));

        assertThat(client.register(SUBJECT, ImageCaptured.getClassSchema())).isPositive();
    }

    @Test
    void basicAuthFromUserInfo() {
        registry.requireBasicAuth("coilsight", "s3cret");

        assertThat(client(Map.of(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO",
                RegistryClientConfig.USER_INFO, "coilsight:s3cret")).register(SUBJECT, ImageCaptured.getClassSchema()))
                .isPositive();
        assertThatThrownBy(() -> client(Map.of(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO",
                RegistryClientConfig.USER_INFO, "coilsight:wrong")).schemaById(1))
                .hasMessageContaining("refused our credentials")
                .hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void basicAuthFromTheUrlIsSentAsCredentialsAndLeftOutOfTheUrls() {
        registry.requireBasicAuth("coilsight", "s3cret");
        String url = registry.url().replace("http://", "http://coilsight:s3cret@");
        RegistryClientConfig config = RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, url));

        assertThat(new RestSchemaRegistryClient(config).register(SUBJECT, ImageCaptured.getClassSchema())).isPositive();
        assertThat(config.urls()).containsExactly(registry.url());
        assertThat(config.toString()).contains("coilsight:****").doesNotContain("s3cret");
    }

    @Test
    void aUrlThatDoesNotParseIsNamedWithoutItsPassword() {
        // A generated password with a stray '%' makes no URL; the message must not carry the password.
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "http://svc:Ab%9x@sr:8081")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://****@sr:8081")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Ab%9x"));
    }

    @Test
    void aPasswordHoldingASlashOrAnAtIsRefusedWithoutBeingNamed() {
        // java.net.URI finds no host and no user info in these, so the password would stay in every request URL and error.
        for (String url : new String[] {"https://svc:pa/ss@sr:8081", "https://svc:p@ss@sr:8081", "https://svc:p#ss@sr:8081"}) {
            assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, url))).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("https://****@sr:8081").hasMessageContaining("percent-encoded")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ss@").doesNotContain("pa/"));
        }
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "svc:s3cret@sr:8081")))
                .hasMessageContaining("must be http:// or https://").satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }

    @Test
    void badConfigurationIsNamed() {
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of()))
                .hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "localhost:8081")))
                .hasMessageContaining("must be http:// or https://");
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, "http://x",
                RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO")))
                .hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void tlsWithAPrivateTrustStore(@TempDir Path dir) throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.pem");
        Path trustStore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", serverStore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", serverStore.toString(),
                "-storepass", "changeit", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "changeit");
        registry.close();
        registry = new FakeConfluentRegistry(serverContext(serverStore));

        RestSchemaRegistryClient trusting = client(Map.of(
                RegistryClientConfig.TRUSTSTORE_LOCATION, trustStore.toString(),
                RegistryClientConfig.TRUSTSTORE_PASSWORD, "changeit"));
        assertThat(registry.url()).startsWith("https://");
        assertThat(trusting.register(SUBJECT, ImageCaptured.getClassSchema())).isPositive();

        assertThatThrownBy(() -> client(Map.of()).schemaById(1))
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("schema.registry.ssl.truststore.location");
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static SSLContext serverContext(Path keyStorePath) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keyStorePath.toFile())) {
            keyStore.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
    }
}
