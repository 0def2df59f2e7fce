package dev.coilsight.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class AuditSampleTest {

    @Test
    void theShareOfImagesChosenIsTheShareAskedForAndTheSameEveryTime() {
        AuditSample sample = new AuditSample("audit", 0.05);
        java.util.Random random = new java.util.Random(7);
        long chosen = IntStream.range(0, 20_000).mapToObj(i -> new UUID(random.nextLong(), random.nextLong()).toString())
                .filter(sample::chosen).count();
        // 1,000 expected; a binomial's standard deviation here is about 31.
        assertThat(chosen).isBetween(900L, 1100L);
        assertThat(IntStream.range(0, 200).allMatch(i -> sample.chosen("img-" + i) == new AuditSample("other", 0.05).chosen("img-" + i))).isTrue();
    }

    @Test
    void noneAndAllAreExact() {
        assertThat(IntStream.range(0, 1000).noneMatch(i -> new AuditSample("a", 0).chosen("img-" + i))).isTrue();
        assertThat(IntStream.range(0, 1000).allMatch(i -> new AuditSample("a", 1).chosen("img-" + i))).isTrue();
    }

    @Test
    void aShareOutsideZeroToOneIsRefusedByName() {
        assertThatThrownBy(() -> new AuditSample("a", 1.5)).hasMessageContaining("COILSIGHT_AUDIT_SHARE");
    }
}
