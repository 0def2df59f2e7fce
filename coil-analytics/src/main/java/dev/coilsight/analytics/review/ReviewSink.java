package dev.coilsight.analytics.review;

import dev.coilsight.schemas.DefectReviewed;

/** Where accepted reviews go: {@code steel.reviews} in the service, a list in tests of the logic. */
public interface ReviewSink extends AutoCloseable {

    /** Publishes and returns once the review is stored for good; throws when it could not be. */
    void publish(DefectReviewed review);

    @Override
    default void close() {
    }
}
