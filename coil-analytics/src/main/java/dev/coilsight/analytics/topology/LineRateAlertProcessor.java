package dev.coilsight.analytics.topology;

import java.time.Clock;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.coilsight.analytics.grading.AlertRules;
import dev.coilsight.analytics.quality.GradeRecords;
import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.stats.ImageCounts;
import dev.coilsight.schemas.QualityAlert;

/**
 * Alerts when a line's defect rate in one window goes above the limit, once per line and window: the store keeps
 * the start of the latest window each line alerted for (one entry per line). A late result that pushes an older
 * window over the limit after a newer one alerted does not alert again.
 */
final class LineRateAlertProcessor implements Processor<Windowed<String>, ImageCounts, String, QualityAlert> {

    private final AlertRules rules;
    private final Clock clock;
    private final QualityListener listener;
    private ProcessorContext<String, QualityAlert> context;
    private KeyValueStore<String, Long> lastAlerted;

    LineRateAlertProcessor(AlertRules rules, Clock clock, QualityListener listener) {
        this.rules = rules;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, QualityAlert> context) {
        this.context = context;
        lastAlerted = context.getStateStore(CoilAnalyticsTopology.LINE_ALERTS_STORE);
    }

    @Override
    public void process(Record<Windowed<String>, ImageCounts> record) {
        ImageCounts counts = record.value();
        if (rules.maxLineDefectRate() == null || counts == null || counts.images() < rules.minImagesPerWindow()
                || counts.defectRate() <= rules.maxLineDefectRate()) {
            return;
        }
        String line = record.key().key();
        long windowStart = record.key().window().start();
        Long last = lastAlerted.get(line);
        if (last != null && last >= windowStart) {
            return;
        }
        lastAlerted.put(line, windowStart);
        long now = clock.millis();
        QualityAlert alert = GradeRecords.lineRateAlert(line, windowStart, counts.images(), counts.defectRate(), rules.maxLineDefectRate(), now);
        context.forward(new Record<>(line, alert, now));
        listener.alerted(alert);
    }
}
