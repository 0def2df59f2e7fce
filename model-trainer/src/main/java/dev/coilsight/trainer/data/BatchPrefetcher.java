package dev.coilsight.trainer.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.coilsight.trainer.train.TrainingGraph.Batch;

/**
 * Prepares batches on a separate thread so that decoding, cropping and augmentation overlap with
 * the training step. One producer thread keeps the order (and so the run) deterministic.
 */
public final class BatchPrefetcher implements AutoCloseable {

    private final BlockingQueue<Batch> queue;
    private final Thread thread;
    /** Why the producer stopped, if it failed: kept beside the queue, which may be full when it fails. */
    private volatile Throwable failure;

    public BatchPrefetcher(CropSampler sampler, int batchSize, int depth) {
        this(() -> sampler.next(batchSize), depth);
    }

    BatchPrefetcher(Supplier<Batch> batches, int depth) {
        queue = new ArrayBlockingQueue<>(depth);
        thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    queue.put(batches.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }, "batch-prefetch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch; throws once the batches prepared before the producer failed are used up, never waits for ever. */
    public Batch next() {
        try {
            while (true) {
                Batch batch = queue.poll(1, TimeUnit.SECONDS);
                if (batch != null) {
                    return batch;
                }
                Throwable failed = failure;
                if (failed != null) {
                    throw new IllegalStateException("preparing a training batch failed: " + failed, failed);
                }
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the batch-preparing thread has stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
