package dev.coilsight.bench.ingest;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The raw producer at its best: one thread keeping up to {@code window} records in flight, the
 * broker's ceiling for one producer with ingest's settings.
 */
final class PipelinedProducerLoad implements Load {

    private final LoadSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    private Thread thread;

    PipelinedProducerLoad(LoadSettings settings) {
        this.settings = settings;
        this.producer = settings.rawProducer();
    }

    @Override
    public void start(String topic, Meter meter) {
        Semaphore inFlight = new Semaphore(settings.window());
        thread = new Thread(() -> {
            for (long i = 0; !meter.stopped(); i++) {
                inFlight.acquireUninterruptibly();
                byte[] image = settings.images().get(i);
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, Load.coil(i), image), (metadata, error) -> {
                    inFlight.release();
                    meter.completed(error == null, image.length, sent);
                });
            }
        }, "raw-pipelined");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        try {
            if (thread != null) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Waits for the records still in flight: their callbacks run before close returns.
            producer.close(Duration.ofSeconds(30));
        }
    }
}
