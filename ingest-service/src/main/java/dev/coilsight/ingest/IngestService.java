package dev.coilsight.ingest;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.ServiceHelp;
import dev.coilsight.ingest.drop.DropFolderWatcher;
import dev.coilsight.ingest.http.IngestHttpServer;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;

/**
 * The ingest service: HTTP uploads and (when {@code COILSIGHT_DROP_ROOT} is set) camera drop folders,
 * publishing to {@code steel.images}. Configured by environment variables ({@link IngestConfig}).
 */
public final class IngestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final ImagePublisher publisher;
    private final IngestHttpServer http;
    private final Optional<DropFolderWatcher> watcher;

    public IngestService(IngestConfig config) throws IOException {
        IngestMetrics metrics = new IngestMetrics();
        ImageEvents events = new ImageEvents(config.limits(), config.fullDecode());
        this.publisher = new ImagePublisher(config.cluster(), config.imagesTopic(), config.produceTimeout(), config.limits().maxBytes());
        this.watcher = config.dropRoot().map(root -> new DropFolderWatcher(root, events, publisher, metrics,
                new DropFolderWatcher.Settings(config.dropCameraId(), config.dropStable(), config.dropPoll(), config.dropPendingTimeout(),
                        config.maxClockSkew())));
        this.http = new IngestHttpServer(new IngestHttpServer.Settings(config.http(),
                config.authDisabled() ? Optional.empty() : config.token(), config.limits().maxBytes(), config.httpCameraId(),
                config.idempotencyWindow(), config.idempotencyMaxKeys(), config.maxClockSkew(), config.coilEndsTopic()),
                events, publisher, metrics,
                () -> publisher.brokerReachable() && watcher.map(DropFolderWatcher::healthy).orElse(true));
    }

    public void start() {
        http.start();
        watcher.ifPresent(DropFolderWatcher::start);
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        watcher.ifPresent(DropFolderWatcher::close);
        publisher.close();
    }

    public static void main(String[] args) throws Exception {
        Optional<IngestConfig> settings = ServiceHelp.settingsOrExit(args, "ingest",
                "Runs the ingest service: HTTP uploads and camera drop folders into steel.images.", "docs/INGEST.md",
                IngestConfig::fromEnv, Map.of("COILSIGHT_INGEST_TOKEN", "-"));
        if (settings.isEmpty()) {
            return;
        }
        IngestConfig config = settings.get();
        CountDownLatch stopped = new CountDownLatch(1);
        try (IngestService service = new IngestService(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping ingest");
                service.close();
                stopped.countDown();
            }, "ingest-shutdown"));
            service.start();
            stopped.await();
        }
    }
}
