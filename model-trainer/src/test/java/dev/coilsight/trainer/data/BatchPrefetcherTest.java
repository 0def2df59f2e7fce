package dev.coilsight.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

import dev.coilsight.trainer.train.TrainingGraph.Batch;

class BatchPrefetcherTest {

    @Test
    void aBatchThatFailsWhileTheQueueIsFullEndsTheRunWithItsCauseInsteadOfHangingIt() throws Exception {
        AtomicInteger made = new AtomicInteger();
        // Four batches fill the queue; the fifth fails (say, out of memory), with nowhere left in the queue to say so.
        try (BatchPrefetcher batches = new BatchPrefetcher(() -> {
            if (made.incrementAndGet() > 4) {
                throw new OutOfMemoryError("Java heap space");
            }
            return new Batch(new float[1], Shape.of(1), new float[1], Shape.of(1));
        }, 4)) {
            CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                try {
                    while (true) {
                        batches.next();
                        n++;
                    }
                } catch (IllegalStateException e) {
                    assertThat(e).hasMessageContaining("Java heap space");
                    return n;
                }
            });

            assertThat(taken.get(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS)).as("the batches made before the failure").isEqualTo(4);
        }
    }

    @Test
    void aFailingBatchIsReportedOnTheNextTake() {
        try (BatchPrefetcher batches = new BatchPrefetcher(() -> {
            throw new IllegalArgumentException("image 17 has no pixels");
        }, 4)) {
            assertThatThrownBy(batches::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("image 17 has no pixels");
        }
    }
}
