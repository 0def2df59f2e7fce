package dev.coilsight.analytics.quality;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.coilsight.analytics.recent.RecentRecords;
import dev.coilsight.schemas.QualityAlert;

/**
 * The latest quality alerts of the whole plant, for the dashboard: every instance keeps the last {@code capacity} of
 * the alerts topic ({@link RecentRecords}), so any instance answers {@code /v1/alerts} alone. Alerts the topic holds
 * twice (a line alert for the same window, a re-grade) are kept once by id.
 */
public final class RecentAlerts implements AutoCloseable {

    private final RecentRecords<QualityAlert> alerts;

    public RecentAlerts(Map<String, Object> settings, String topic, int capacity) {
        alerts = new RecentRecords<>(settings, topic, QualityAlert.class, capacity, QualityAlert::getAlertId,
                a -> a.getRaisedAt().toEpochMilli());
    }

    public void start() {
        alerts.start();
    }

    /** The latest alerts, newest first. */
    public List<QualityAlert> latest(int limit) {
        return alerts.latest(limit, Comparator.comparing(QualityAlert::getRaisedAt).reversed());
    }

    void add(QualityAlert alert) {
        alerts.add(alert);
    }

    @Override
    public void close() {
        alerts.close();
    }
}
