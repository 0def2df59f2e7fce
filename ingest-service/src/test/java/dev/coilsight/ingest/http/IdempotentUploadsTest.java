package dev.coilsight.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coilsight.ingest.publish.ImageIds;
import dev.coilsight.ingest.publish.IngestRejection;

class IdempotentUploadsTest {

    private final AtomicLong now = new AtomicLong();
    private final IdempotentUploads uploads = new IdempotentUploads(Duration.ofMinutes(10), 3, now::get);

    @Test
    void aRetryTakesUpTheFirstUploadAndItsAcknowledgement() {
        IdempotentUploads.Claim first = uploads.claim("C1", "k-1", "sha-a");
        IdempotentUploads.Claim retry = uploads.claim("C1", "k-1", "sha-a");

        assertThat(first.first()).isTrue();
        assertThat(retry.first()).isFalse();
        assertThat(retry.upload()).isSameAs(first.upload());
        assertThat(first.upload().imageId()).isEqualTo(ImageIds.derived("C1", "k-1", "sha-a"));
    }

    @Test
    void theSameKeyOnAnotherCoilIsAnotherUpload() {
        uploads.claim("C1", "k-1", "sha-a");
        IdempotentUploads.Claim other = uploads.claim("C2", "k-1", "sha-b");

        assertThat(other.first()).isTrue();
        assertThat(other.upload().imageId()).isNotEqualTo(ImageIds.derived("C1", "k-1", "sha-b"));
        assertThat(ImageIds.derived("C1", "k-1", "sha-a")).as("another image under the same key").isNotEqualTo(
                ImageIds.derived("C1", "k-1", "sha-b"));
    }

    @Test
    void theSameKeyWithAnotherImageIsRefused() {
        uploads.claim("C1", "k-1", "sha-a");

        assertThatThrownBy(() -> uploads.claim("C1", "k-1", "sha-other")).isInstanceOf(IngestRejection.class)
                .hasMessageContaining("was used for another image").extracting(e -> ((IngestRejection) e).status()).isEqualTo(422);
    }

    @Test
    void aRetryAfterAFailedSendPublishesAgainUnderTheSameImageId() {
        IdempotentUploads.Claim first = uploads.claim("C1", "k-1", "sha-a");
        first.upload().ack().completeExceptionally(new IllegalStateException("broker gone"));

        IdempotentUploads.Claim retry = uploads.claim("C1", "k-1", "sha-a");

        assertThat(retry.first()).isTrue();
        assertThat(retry.upload().imageId()).isEqualTo(first.upload().imageId());
    }

    @Test
    void aRefusedSendDoesNotHoldItsKeyAgainstAnotherImage() {
        IdempotentUploads.Claim tooLarge = uploads.claim("C1", "k-1", "sha-large");
        tooLarge.upload().ack().completeExceptionally(new IngestRejection(413, "too_large", "the broker refused a record of this size"));

        IdempotentUploads.Claim smaller = uploads.claim("C1", "k-1", "sha-smaller");

        assertThat(smaller.first()).isTrue();
        assertThat(smaller.upload().imageId()).isEqualTo(ImageIds.derived("C1", "k-1", "sha-smaller"));
    }

    @Test
    void keysAreForgottenAfterTheWindowAndBeyondTheBoundOldestFirst() {
        uploads.claim("C1", "old", "sha");
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(uploads.claim("C1", "old", "sha").first()).as("after the window").isTrue();

        for (int i = 0; i < 3; i++) {
            uploads.claim("C1", "k-" + i, "sha");
        }
        assertThat(uploads.size()).isEqualTo(3);
        assertThat(uploads.claim("C1", "old", "sha").first()).as("the oldest was forgotten beyond the bound").isTrue();
        assertThat(uploads.claim("C1", "k-2", "sha").first()).isFalse();
    }

    @Test
    void keysMustBePrintableAsciiOfAtMost200Characters() {
        assertThat(IdempotentUploads.validKey("order-42/cam-1")).isEqualTo("order-42/cam-1");
        for (String bad : new String[] {"", "a b", "x".repeat(201), "caf\u00e9", "line\r\nbreak"}) {
            assertThatThrownBy(() -> IdempotentUploads.validKey(bad)).as(bad).isInstanceOf(IngestRejection.class);
        }
    }
}
