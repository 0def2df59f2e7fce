package dev.coilsight.bench.ingest;

import java.time.Duration;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The raw producer used as the HTTP server uses it: {@code clients} threads sharing one producer, each waiting for its record's ack. */
final class RawSendAndWaitLoad extends SendAndWaitLoad {

    private KafkaProducer<String, byte[]> producer;

    RawSendAndWaitLoad(LoadSettings settings) {
        super(settings, "raw-sync");
    }

    @Override
    void open(String topic) {
        producer = settings.rawProducer();
    }

    @Override
    boolean sendAndWait(String topic, long i, byte[] image) throws Exception {
        producer.send(new ProducerRecord<>(topic, Load.coil(i), image)).get();
        return true;
    }

    @Override
    void release() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
