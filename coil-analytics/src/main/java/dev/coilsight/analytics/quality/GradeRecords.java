package dev.coilsight.analytics.quality;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.grading.CoilFacts;
import dev.coilsight.analytics.grading.CoilGrade;
import dev.coilsight.analytics.grading.Zone;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.schemas.AlertKind;
import dev.coilsight.schemas.BrokenRule;
import dev.coilsight.schemas.ClassGradeFigures;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.GradeLevel;
import dev.coilsight.schemas.PeriodicDefectFound;
import dev.coilsight.schemas.QualityAlert;

/** The public records of grading and alerts, built from what the grader and the periodic search found. */
public final class GradeRecords {

    private GradeRecords() {
    }

    public static CoilGraded graded(String coilId, CoilProgress progress, CoilFacts facts, CoilGrade grade, long nowMillis) {
        List<BrokenRule> broken = new ArrayList<>();
        for (CoilGrade.RuleCheck check : grade.broken()) {
            broken.add(new BrokenRule(check.ruleId(), check.grade().published(), check.measured(), check.limit(), check.rule()));
        }
        return CoilGraded.newBuilder()
                .setCoilId(coilId)
                .setVersion(progress.gradeVersion)
                .setLineId(progress.lineId)
                .setProduct(grade.product())
                .setRulesVersion(grade.rulesVersion())
                .setGrade(grade.grade().published())
                .setDecidingRule(grade.decidingRule())
                .setReason(grade.reason())
                .setBrokenRules(broken)
                .setEndReason(progress.endReason)
                .setInspectedLengthMm(facts.inspectedLengthMm())
                .setImagesInspected(progress.imagesInspected)
                .setDefectiveImages(progress.defectiveImages)
                .setDefects(progress.defectsPlaced + progress.defectsNotPlaced)
                .setClasses(classes(facts))
                .setPeriodicDefects(facts.periodic().stream().map(GradeRecords::periodic).toList())
                .setModelVersions(new ArrayList<>(progress.modelVersions))
                .setGradedAt(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    static PeriodicDefectFound periodic(PeriodicDefect p) {
        return new PeriodicDefectFound(p.classId(), p.className(), p.pitchMm(), p.count(), p.positionsMm(), p.acrossMm(), p.rollDiameterMm(),
                p.spots());
    }

    /** The roll marks a grade found, as the finder reports them. */
    public static List<PeriodicDefect> periodic(CoilGraded grade) {
        return grade.getPeriodicDefects().stream().map(p -> new PeriodicDefect(p.getClassId(), p.getClassName(), p.getPitchMm(),
                p.getPositionsMm(), p.getAcrossMm(), p.getSpots())).toList();
    }

    /** Per-class figures of a coil, ordered by class: defects, area, and both per inspected length. */
    public static List<ClassGradeFigures> classes(CoilFacts facts) {
        Map<Integer, ClassGradeFigures> byClass = new TreeMap<>();
        double metres = Math.max(facts.inspectedLengthMm(), 1.0) / 1000.0;
        for (StripDefect d : facts.defects()) {
            ClassGradeFigures f = byClass.computeIfAbsent(d.classId(), c -> new ClassGradeFigures(c, d.className(), 0L, 0.0, 0.0, 0.0));
            f.setDefects(f.getDefects() + 1);
            f.setAreaMm2(f.getAreaMm2() + d.areaMm2());
        }
        facts.notPlaced().byClass.forEach((classId, zones) -> {
            double[] all = zones.getOrDefault(Zone.ANY, new double[2]);
            ClassGradeFigures f = byClass.computeIfAbsent(classId,
                    c -> new ClassGradeFigures(c, facts.notPlaced().classNames.getOrDefault(c, "class " + c), 0L, 0.0, 0.0, 0.0));
            f.setDefects(f.getDefects() + (long) all[0]);
            f.setAreaMm2(f.getAreaMm2() + all[1]);
        });
        for (ClassGradeFigures f : byClass.values()) {
            f.setAreaMm2PerMetre(f.getAreaMm2() / metres);
            f.setDefectsPer100m(f.getDefects() * 100.0 / metres);
        }
        return new ArrayList<>(byClass.values());
    }

    /** A roll mark found on a coil; its id names the coil, the class and the pitch in whole millimetres. */
    public static QualityAlert periodicAlert(String coilId, String lineId, PeriodicDefect p, long nowMillis) {
        String id = coilId + "/periodic/" + p.classId() + "/" + Math.round(p.pitchMm());
        String message = String.format(Locale.ROOT, "coil %s: %s repeats every %.0f mm (%d times%s): a roll of about %.0f mm diameter marks the strip",
                coilId, p.className(), p.pitchMm(), p.count(), p.spots() > 1 ? ", " + p.spots() + " spots per turn" : "", p.rollDiameterMm());
        return alert(id, AlertKind.PERIODIC_DEFECT, lineId, coilId, p.classId(), p.pitchMm(), p.count(), message, nowMillis);
    }

    public static QualityAlert forbiddenClassAlert(String coilId, String lineId, int classId, String className, String imageId, long nowMillis) {
        String message = "coil " + coilId + ": " + className + " (class " + classId + "), which must never appear, found on image " + imageId;
        return alert(coilId + "/class/" + classId, AlertKind.FORBIDDEN_CLASS, lineId, coilId, classId, 1, 0, message, nowMillis);
    }

    public static QualityAlert lineRateAlert(String lineId, long windowStartMillis, long images, double rate, double limit, long nowMillis) {
        String message = String.format(Locale.ROOT, "line %s: %.0f %% of %d images defective in the window from %s (limit %.0f %%)", lineId,
                rate * 100, images, Instant.ofEpochMilli(windowStartMillis), limit * 100);
        return alert(lineId + "/rate/" + windowStartMillis, AlertKind.DEFECT_RATE, lineId, null, null, rate, limit, message, nowMillis);
    }

    private static QualityAlert alert(String id, AlertKind kind, String lineId, String coilId, Integer classId, double value, double limit,
            String message, long nowMillis) {
        return QualityAlert.newBuilder().setAlertId(id).setKind(kind).setLineId(lineId).setCoilId(coilId).setClassId(classId)
                .setValue(value).setLimit(limit).setMessage(message).setRaisedAt(Instant.ofEpochMilli(nowMillis)).build();
    }
}
