package dev.coilsight.analytics.recent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coilsight.schemas.AlertKind;
import dev.coilsight.schemas.QualityAlert;
import dev.coilsight.schemas.registry.RegistryClientConfig;

class RecentRecordsTest {

    private static QualityAlert alert(String id, long raisedAt) {
        return QualityAlert.newBuilder().setAlertId(id).setKind(AlertKind.DEFECT_RATE).setLineId("L1").setCoilId(null).setClassId(null)
                .setValue(0.6).setLimit(0.5).setMessage(id).setRaisedAt(Instant.ofEpochMilli(raisedAt)).build();
    }

    @Test
    void beyondTheCapacityTheOldestByTheirOwnTimeGoFirstWhateverTheOrderTheyWereRead() {
        // Nothing is read here (the reader is never started): records are added as a start-up's partition-by-partition reading would.
        try (RecentRecords<QualityAlert> alerts = new RecentRecords<>(Map.of("bootstrap.servers", "127.0.0.1:1", RegistryClientConfig.URL,
                "http://127.0.0.1:1"), "alerts", QualityAlert.class, 2, QualityAlert::getAlertId, a -> a.getRaisedAt().toEpochMilli())) {
            alerts.add(alert("newest", 3_000));
            alerts.add(alert("oldest", 1_000));
            alerts.add(alert("middle", 2_000));

            assertThat(alerts.get("oldest")).isEmpty();
            assertThat(alerts.get("middle")).isPresent();
            assertThat(alerts.get("newest")).isPresent();
        }
    }
}
