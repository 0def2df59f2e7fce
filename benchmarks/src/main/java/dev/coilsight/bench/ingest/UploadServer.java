package dev.coilsight.bench.ingest;

import java.io.IOException;

/** The server end of the HTTP phases, started per phase on a free loopback port. */
interface UploadServer extends AutoCloseable {

    /** Starts serving uploads that go to {@code topic}; returns the port. */
    int start(String topic) throws IOException;

    @Override
    void close();
}
