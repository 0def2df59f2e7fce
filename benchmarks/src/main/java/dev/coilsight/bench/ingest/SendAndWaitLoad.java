package dev.coilsight.bench.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code clients} threads, each sending one image and waiting for its acknowledgement before the next,
 * round-robin over the images: how cameras posting one frame at a time load ingest.
 */
abstract class SendAndWaitLoad implements Load {

    protected final LoadSettings settings;
    private final String threadName;
    private final List<Thread> threads = new ArrayList<>();

    SendAndWaitLoad(LoadSettings settings, String threadName) {
        this.settings = settings;
        this.threadName = threadName;
    }

    /** Before the threads start: clients, servers. */
    abstract void open(String topic) throws Exception;

    /** Sends image number {@code i} and waits for its acknowledgement; false or an exception counts as an error. */
    abstract boolean sendAndWait(String topic, long i, byte[] image) throws Exception;

    /** After the threads ended (also when {@link #open} failed half-way). */
    abstract void release();

    @Override
    public void start(String topic, Meter meter) throws Exception {
        open(topic);
        int clients = settings.clients();
        for (int t = 0; t < clients; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                for (long i = first; !meter.stopped(); i += clients) {
                    byte[] image = settings.images().get(i);
                    long sent = System.nanoTime();
                    boolean acked;
                    try {
                        acked = sendAndWait(topic, i, image);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        acked = false;
                    }
                    meter.completed(acked, image.length, sent);
                }
            }, threadName + "-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public void close() {
        try {
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release();
        }
    }
}
