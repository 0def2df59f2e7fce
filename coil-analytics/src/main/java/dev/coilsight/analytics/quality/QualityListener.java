package dev.coilsight.analytics.quality;

import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.QualityAlert;

/** Told of each grade and alert as the topology publishes it: the service counts them for Prometheus. */
public interface QualityListener {

    QualityListener NONE = new QualityListener() {
    };

    default void graded(CoilGraded grade) {
    }

    default void alerted(QualityAlert alert) {
    }
}
