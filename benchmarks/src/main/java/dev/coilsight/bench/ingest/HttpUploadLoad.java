package dev.coilsight.bench.ingest;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code clients} cameras posting raw image bodies as README's curl example does ({@code POST
 * /v1/coils/{coil}/images}, bearer token, {@code X-Sequence}), each waiting for the answer before
 * its next image; one java.net.http client (HTTP/1.1, kept-alive connection) per sending thread.
 */
final class HttpUploadLoad extends SendAndWaitLoad {

    private final UploadServer server;
    private final PrintStream progress;
    private final ThreadLocal<HttpClient> client = ThreadLocal.withInitial(
            () -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    private final AtomicBoolean refusalShown = new AtomicBoolean();
    private URI base;

    HttpUploadLoad(LoadSettings settings, UploadServer server, PrintStream progress) {
        super(settings, "http-client");
        this.server = server;
        this.progress = progress;
    }

    @Override
    void open(String topic) throws Exception {
        base = URI.create("http://127.0.0.1:" + server.start(topic) + "/v1/coils/");
    }

    @Override
    boolean sendAndWait(String topic, long i, byte[] image) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(Load.coil(i) + "/images"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + IngestUploadServer.TOKEN)
                .header("Content-Type", IngestImages.contentType(image))
                .header("X-Sequence", Long.toString(i))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        HttpResponse<String> response = client.get().send(request, HttpResponse.BodyHandlers.ofString());
        boolean accepted = response.statusCode() == 202;
        // The first refusal says why; the rest are only counted (the report shows the error count).
        if (!accepted && refusalShown.compareAndSet(false, true)) {
            progress.println("ingest bench: HTTP " + response.statusCode() + ": " + response.body());
        }
        return accepted;
    }

    @Override
    void release() {
        server.close();
    }
}
