package dev.coilsight.bench.ingest;

/**
 * The senders of one phase: started on a fresh topic, they send until the meter says stop; closing
 * waits for them and releases their clients and servers, so that every acknowledgement is counted
 * before the topic is.
 */
interface Load extends AutoCloseable {

    /** Coils the images are spread over: the record key, as ingest keys by coil id. */
    int COILS = 8;

    void start(String topic, Meter meter) throws Exception;

    @Override
    void close();

    static String coil(long i) {
        return "bench-coil-" + (i % COILS);
    }
}
