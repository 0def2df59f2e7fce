package dev.coilsight.analytics.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.coilmap.StripPlacement;
import dev.coilsight.analytics.grading.CoilFacts;
import dev.coilsight.analytics.grading.CoilGrader;
import dev.coilsight.analytics.grading.ProductRules;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.periodic.PeriodicDefectFinder;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.quality.GradeRecords;
import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.schemas.CoilEndReason;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.QualityAlert;

/**
 * A coil as a quality engineer follows it: places each segmentation's defects on the coil map, notes the strip the
 * images cover and the models seen, learns of the coil's end (an end request, the end flag of its last image, or a
 * quiet time without results), grades it once its results have settled, and grades it again as a new version when
 * results arrive after that. Alerts at once on a class that must never appear, and on a periodic defect as soon as
 * the map shows one. Grades and alerts are forwarded; the downstream nodes split them into their topics.
 * <p>
 * Ends and grades happen in a wall-clock punctuation: a coil ends when its line stops sending, whatever the capture
 * times say. The coils still to watch (open, or ended with results not yet graded) are kept in memory, rebuilt
 * from the progress store when the task starts, so the punctuation never scans finished coils.
 */
final class CoilQualityProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);
    /** How often at most to search one coil's map for periodic defects while it grows. */
    static final Duration PERIODIC_SEARCH_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(CoilQualityProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final QualitySettings settings;
    private final Clock clock;
    private final QualityListener listener;
    private final StripPlacement placement;
    private final PeriodicDefectFinder finder;
    private final CoilGrader grader;
    private final Set<String> watched = new HashSet<>();
    private final Map<String, Long> lastPeriodicSearch = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    /**
     * When this task started here: quiet times count from it too, so that the time this instance was down (or the task
     * moving) neither ends open coils as idle nor grades ended ones before the results that waited for it are read.
     */
    private long startedAtMillis;
    private KeyValueStore<String, CoilProgress> progress;
    private KeyValueStore<String, MappedImage> map;
    private KeyValueStore<String, MappedImage.Masks> masks;
    private KeyValueStore<String, CoilGraded> grades;

    CoilQualityProcessor(QualitySettings settings, Clock clock, QualityListener listener) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.placement = new StripPlacement(settings.cameras());
        this.finder = new PeriodicDefectFinder(settings.rules().periodic());
        this.grader = new CoilGrader(settings.rules());
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        startedAtMillis = clock.millis();
        progress = context.getStateStore(CoilAnalyticsTopology.COIL_PROGRESS_STORE);
        map = context.getStateStore(CoilAnalyticsTopology.COIL_MAP_STORE);
        masks = context.getStateStore(CoilAnalyticsTopology.COIL_MASKS_STORE);
        grades = context.getStateStore(CoilAnalyticsTopology.COIL_GRADES_STORE);
        try (KeyValueIterator<String, CoilProgress> it = progress.all()) {
            while (it.hasNext()) {
                KeyValue<String, CoilProgress> e = it.next();
                if (stillWatched(e.value)) {
                    watched.add(e.key);
                }
            }
        }
        context.schedule(SCAN_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::scan);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String coil = record.key();
        long now = clock.millis();
        CoilProgress p = progress.get(coil);
        if (p == null) {
            p = new CoilProgress();
        }
        if (record.value() instanceof ImageClassified c) {
            classified(p, c, now);
        } else if (record.value() instanceof DefectSegmentation s) {
            segmented(coil, p, s, now);
        } else if (record.value() instanceof CoilEnded e) {
            p.lineId = p.lineId == null ? e.getLineId() : p.lineId;
            if (!p.ended()) {
                end(coil, p, CoilEndReason.EXPLICIT, now);
            }
        } else {
            throw new IllegalArgumentException("not a record of a coil: " + record.value().getClass().getName());
        }
        progress.put(coil, p);
        if (stillWatched(p)) {
            watched.add(coil);
        }
    }

    private void classified(CoilProgress p, ImageClassified c, long now) {
        p.lineId = p.lineId == null ? c.getLineId() : p.lineId;
        double start = placement.imageStartMm(c.getCameraId(), c.getPositionMm(), c.getSequence(), c.getHeight());
        p.cover(start, start + placement.imageLengthMm(c.getCameraId(), c.getHeight()));
        p.imagesInspected++;
        p.defectiveImages += c.getDefective() ? 1 : 0;
        p.modelVersions.add(c.getModel().getName() + ":" + c.getModel().getVersion());
        arrived(p, now);
        if (!p.ended() && c.getCoilEnd()) {
            end(c.getCoilId(), p, CoilEndReason.LAST_IMAGE, now);
        }
    }

    private void segmented(String coil, CoilProgress p, DefectSegmentation s, long now) {
        p.lineId = p.lineId == null ? s.getLineId() : p.lineId;
        p.segmentedImages++;
        StripPlacement.Placed placed = placement.place(s);
        MappedImage mapped = placement.map(s, placed);
        List<StripDefect> defects = mapped.defects();
        ProductRules product = grader.rules().forLine(p.lineId);
        placed.beyondMaskLimit().forEach(d -> p.notPlaced.add(product, d));
        if (p.defectsPlaced + defects.size() <= settings.maxMapDefectsPerCoil()) {
            if (!defects.isEmpty()) {
                map.put(RecentKeys.imageKey(coil, s.getImageId()), mapped.withoutMasks());
                masks.put(RecentKeys.imageKey(coil, s.getImageId()), new MappedImage.Masks(mapped.masks()));
                p.defectsPlaced += defects.size();
                p.mapChanged = true;
            }
        } else {
            if (p.defectsNotPlaced == 0) {
                log.warn("coil {}: its map is full ({} defects); further defects are counted, not placed", coil, p.defectsPlaced);
            }
            p.defectsNotPlaced += defects.size();
            defects.forEach(d -> p.notPlaced.add(product, d));
        }
        p.defectsNotPlaced += placed.beyondMaskLimit().size();
        p.modelVersions.add(s.getModel().getName() + ":" + s.getModel().getVersion());
        for (DefectMask mask : s.getMasks()) {
            String id = "class/" + mask.getClassId();
            if (settings.rules().alerts().neverClasses().contains(mask.getClassId()) && p.alertsRaised.add(id)) {
                raise(coil, GradeRecords.forbiddenClassAlert(coil, p.lineId, mask.getClassId(), mask.getClassName(), s.getImageId(), now), now);
            }
        }
        arrived(p, now);
    }

    private static void arrived(CoilProgress p, long now) {
        p.lastArrivalMillis = now;
        if (p.ended()) {
            p.gradeDue = true; // a late result: the coil is graded again once results settle
        }
    }

    private static void end(String coil, CoilProgress p, CoilEndReason reason, long now) {
        p.endReason = reason;
        p.endedAtMillis = now;
        p.gradeDue = true;
        log.info("coil {} ended ({})", coil, reason);
    }

    private void scan(long now) {
        for (String coil : new ArrayList<>(watched)) {
            CoilProgress p = progress.get(coil);
            if (p == null) { // expired
                watched.remove(coil);
                lastPeriodicSearch.remove(coil);
                continue;
            }
            boolean changed = false;
            long idleEnd = settings.idleEnd(p.lineId).toMillis();
            if (!p.ended() && now - Math.max(p.lastArrivalMillis, startedAtMillis) >= idleEnd) {
                end(coil, p, CoilEndReason.IDLE, now);
                changed = true;
            }
            long quiet = now - Math.max(Math.max(p.endedAtMillis, p.lastArrivalMillis), startedAtMillis);
            // Not before every defective image's segmentation is in: a segmenter behind by more than the settle time would
            // otherwise have a first grade published without the coil's last defects. One that never comes (dead-lettered)
            // is waited for as long as an idle coil.
            boolean settled = quiet >= settings.settle().toMillis() && (!p.segmentationsDue() || quiet >= idleEnd);
            if (p.ended() && p.gradeDue && p.imagesInspected > 0 && settled) {
                grade(coil, p, now);
                changed = true;
            } else if (p.mapChanged && settings.rules().alerts().periodic()
                    && now - lastPeriodicSearch.getOrDefault(coil, 0L) >= PERIODIC_SEARCH_INTERVAL.toMillis()) {
                alertPeriodic(coil, p, finder.find(coilMap(coil)), now);
                lastPeriodicSearch.put(coil, now);
                p.mapChanged = false;
                changed = true;
            }
            if (changed) {
                progress.put(coil, p);
            }
            if (!stillWatched(p)) {
                watched.remove(coil);
                lastPeriodicSearch.remove(coil);
            }
        }
    }

    private void grade(String coil, CoilProgress p, long now) {
        List<StripDefect> defects = coilMap(coil);
        List<PeriodicDefect> periodic = finder.find(defects);
        CoilFacts facts = new CoilFacts(p.inspectedLengthMm(), defects, p.notPlaced, periodic);
        p.gradeVersion++;
        p.gradeDue = false;
        p.mapChanged = false;
        CoilGraded graded = GradeRecords.graded(coil, p, facts, grader.grade(p.lineId, facts), now);
        grades.put(coil, graded);
        context.forward(new Record<>(coil, graded, now));
        listener.graded(graded);
        log.info("coil {} graded {} (version {}, {}): {}", coil, graded.getGrade(), graded.getVersion(), graded.getProduct(), graded.getReason());
        if (settings.rules().alerts().periodic()) {
            alertPeriodic(coil, p, periodic, now);
        }
    }

    /** Alerts on each periodic defect not alerted before on this coil (the same class within twice the tolerance of its pitch). */
    private void alertPeriodic(String coil, CoilProgress p, List<PeriodicDefect> found, long now) {
        double tolerance = settings.rules().periodic().tolerance();
        for (PeriodicDefect d : found) {
            String prefix = "periodic/" + d.classId() + "/";
            boolean known = p.alertsRaised.stream().filter(id -> id.startsWith(prefix))
                    .mapToDouble(id -> Double.parseDouble(id.substring(prefix.length())))
                    .anyMatch(pitch -> Math.abs(pitch - d.pitchMm()) <= 2 * tolerance * d.pitchMm());
            if (!known) {
                p.alertsRaised.add(prefix + Math.round(d.pitchMm()));
                raise(coil, GradeRecords.periodicAlert(coil, p.lineId, d, now), now);
            }
        }
    }

    private void raise(String coil, QualityAlert alert, long now) {
        context.forward(new Record<>(coil, alert, now));
        listener.alerted(alert);
        log.info("alert {}: {}", alert.getKind(), alert.getMessage());
    }

    private List<StripDefect> coilMap(String coil) {
        List<StripDefect> defects = new ArrayList<>();
        try (KeyValueIterator<String, MappedImage> it = map.prefixScan(RecentKeys.prefix(coil), KEYS)) {
            while (it.hasNext()) {
                defects.addAll(it.next().value.defects());
            }
        }
        return defects;
    }

    private static boolean stillWatched(CoilProgress p) {
        return !p.ended() || p.gradeDue || p.mapChanged;
    }
}
