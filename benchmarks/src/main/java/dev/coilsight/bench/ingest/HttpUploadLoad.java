package dev.coilsight.bench.ingest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.coilsight.bench.http.PlainUploadClient;

/**
 * {@code clients} cameras posting raw image bodies as README's curl example does ({@code POST
 * /v1/coils/{coil}/images}, bearer token, {@code X-Sequence}), each waiting for the answer before
 * its next image, on a kept-alive HTTP/1.1 connection per sending thread: a {@link PlainUploadClient}
 * by default, java.net.http with {@code --http-client jdk}.
 */
final class HttpUploadLoad extends SendAndWaitLoad {

    private static final int TIMEOUT_MILLIS = 60_000;

    private final UploadServer server;
    private final PrintStream progress;
    private final List<PlainUploadClient> plainClients = new CopyOnWriteArrayList<>();
    private final ThreadLocal<PlainUploadClient> plain = ThreadLocal.withInitial(this::newPlainClient);
    private final ThreadLocal<HttpClient> jdk = ThreadLocal.withInitial(
            () -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    private final AtomicBoolean refusalShown = new AtomicBoolean();
    private int port;

    HttpUploadLoad(LoadSettings settings, UploadServer server, PrintStream progress) {
        super(settings, "http-client");
        this.server = server;
        this.progress = progress;
    }

    @Override
    void open(String topic) throws Exception {
        port = server.start(topic);
    }

    @Override
    boolean sendAndWait(String topic, long i, byte[] image) throws Exception {
        String path = "/v1/coils/" + Load.coil(i) + "/images";
        String token = "Bearer " + IngestUploadServer.TOKEN;
        String type = IngestImages.contentType(image);
        String sequence = Long.toString(i);
        int status;
        String body;
        if (settings.jdkHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                    .header("Authorization", token)
                    .header("Content-Type", type)
                    .header("X-Sequence", sequence)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                    .build();
            HttpResponse<String> response = jdk.get().send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            body = response.body();
        } else {
            PlainUploadClient.Answer answer = plain.get().post(path, image,
                    "Authorization: " + token, "Content-Type: " + type, "X-Sequence: " + sequence);
            status = answer.status();
            body = answer.body();
        }
        boolean accepted = status == 202;
        // The first refusal says why; the rest are only counted (the report shows the error count).
        if (!accepted && refusalShown.compareAndSet(false, true)) {
            progress.println("ingest bench: HTTP " + status + ": " + body);
        }
        return accepted;
    }

    private PlainUploadClient newPlainClient() {
        PlainUploadClient client = new PlainUploadClient(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        plainClients.add(client);
        return client;
    }

    @Override
    void release() {
        plainClients.forEach(PlainUploadClient::close);
        server.close();
    }
}
