package dev.coilsight.analytics.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.schemas.BrokenRule;
import dev.coilsight.schemas.ClassGradeFigures;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.PeriodicDefectFound;
import dev.coilsight.schemas.QualityAlert;

/** The JSON shapes of the coil map, grades and alerts (field names as in the contracts). */
final class QualityViews {

    private QualityViews() {
    }

    /** Where a coil stands: OPEN (still running), ENDED (waiting for its grade), GRADED. */
    static String state(CoilProgress progress, CoilGraded grade) {
        if (grade != null && (progress == null || !progress.gradeDue)) {
            return "GRADED";
        }
        return progress != null && progress.ended() ? "ENDED" : "OPEN";
    }

    /**
     * The coil map between {@code fromMm} and {@code toMm}, at most {@code limit} defects (the largest when there are
     * more), with the periodic defects found on the whole coil.
     */
    static Map<String, Object> map(String coilId, CoilProgress progress, CoilGraded grade, List<MappedImage> images, List<PeriodicDefect> periodic,
            Double stripWidthMm, double fromMm, double toMm, int limit, String coilPath) {
        List<Map.Entry<MappedImage, StripDefect>> inRange = new ArrayList<>();
        double widest = 0;
        for (MappedImage image : images) {
            for (StripDefect d : image.defects()) {
                widest = Math.max(widest, d.acrossEndMm());
                if (d.alongEndMm() >= fromMm && d.alongStartMm() <= toMm) {
                    inRange.add(Map.entry(image, d));
                }
            }
        }
        List<Map.Entry<MappedImage, StripDefect>> shown = new ArrayList<>(inRange);
        if (shown.size() > limit) {
            shown.sort(Comparator.comparingDouble((Map.Entry<MappedImage, StripDefect> e) -> e.getValue().areaMm2()).reversed());
            shown = new ArrayList<>(shown.subList(0, limit));
        }
        shown.sort(Comparator.comparingDouble(e -> e.getValue().alongStartMm()));
        List<Map<String, Object>> defects = new ArrayList<>();
        for (Map.Entry<MappedImage, StripDefect> e : shown) {
            StripDefect d = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("imageId", d.imageId());
            m.put("classId", d.classId());
            m.put("className", d.className());
            m.put("alongStartMm", d.alongStartMm());
            m.put("alongEndMm", d.alongEndMm());
            m.put("acrossStartMm", d.acrossStartMm());
            m.put("acrossEndMm", d.acrossEndMm());
            m.put("areaMm2", d.areaMm2());
            m.put("imageUrl", coilPath + "/images/" + Requests.encode(d.imageId()));
            defects.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("coilId", coilId);
        out.put("lineId", progress == null ? null : progress.lineId);
        out.put("state", state(progress, grade));
        out.put("startMm", progress == null ? null : progress.firstStartMm);
        out.put("endMm", progress == null ? null : progress.lastEndMm);
        out.put("stripWidthMm", stripWidthMm != null ? stripWidthMm : widest > 0 ? widest : null);
        out.put("fromMm", Double.isInfinite(fromMm) ? null : fromMm);
        out.put("toMm", Double.isInfinite(toMm) ? null : toMm);
        out.put("total", inRange.size());
        out.put("returned", defects.size());
        out.put("truncated", defects.size() < inRange.size());
        out.put("defects", defects);
        out.put("periodic", periodic.stream().map(QualityViews::periodic).toList());
        out.put("grade", grade == null ? null : Map.of("grade", grade.getGrade().name(), "version", grade.getVersion(),
                "reason", grade.getReason()));
        return out;
    }

    static Map<String, Object> periodic(PeriodicDefect p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classId", p.classId());
        m.put("className", p.className());
        m.put("pitchMm", p.pitchMm());
        m.put("count", p.count());
        m.put("positionsMm", p.positionsMm());
        m.put("acrossMm", p.acrossMm());
        m.put("rollDiameterMm", p.rollDiameterMm());
        m.put("spots", p.spots());
        return m;
    }

    static Map<String, Object> grade(String coilId, CoilProgress progress, CoilGraded g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("coilId", coilId);
        out.put("state", state(progress, g));
        out.put("endReason", g != null ? g.getEndReason().name() : progress != null && progress.endReason != null ? progress.endReason.name() : null);
        if (g == null) {
            out.put("grade", null);
            return out;
        }
        out.put("version", g.getVersion());
        out.put("grade", g.getGrade().name());
        out.put("product", g.getProduct());
        out.put("rulesVersion", g.getRulesVersion());
        out.put("decidingRule", g.getDecidingRule());
        out.put("reason", g.getReason());
        List<Map<String, Object>> broken = new ArrayList<>();
        for (BrokenRule r : g.getBrokenRules()) {
            broken.add(ordered("ruleId", r.getRuleId(), "grade", r.getGrade().name(), "measured", r.getMeasured(), "limit", r.getLimit(),
                    "rule", r.getRule()));
        }
        out.put("brokenRules", broken);
        out.put("inspectedLengthMm", g.getInspectedLengthMm());
        out.put("imagesInspected", g.getImagesInspected());
        out.put("defectiveImages", g.getDefectiveImages());
        out.put("defects", g.getDefects());
        List<Map<String, Object>> classes = new ArrayList<>();
        for (ClassGradeFigures c : g.getClasses()) {
            classes.add(ordered("classId", c.getClassId(), "className", c.getClassName(), "defects", c.getDefects(), "areaMm2", c.getAreaMm2(),
                    "areaMm2PerMetre", c.getAreaMm2PerMetre(), "defectsPer100m", c.getDefectsPer100m()));
        }
        out.put("classes", classes);
        List<Map<String, Object>> periodic = new ArrayList<>();
        for (PeriodicDefectFound p : g.getPeriodicDefects()) {
            periodic.add(ordered("classId", p.getClassId(), "className", p.getClassName(), "pitchMm", p.getPitchMm(), "count", p.getCount(),
                    "positionsMm", p.getPositionsMm(), "acrossMm", p.getAcrossMm(), "rollDiameterMm", p.getRollDiameterMm(),
                    "spots", p.getSpots()));
        }
        out.put("periodicDefects", periodic);
        out.put("modelVersions", g.getModelVersions());
        out.put("gradedAt", g.getGradedAt().toString());
        return out;
    }

    static Map<String, Object> alert(QualityAlert a) {
        return ordered("alertId", a.getAlertId(), "kind", a.getKind().name(), "lineId", a.getLineId(), "coilId", a.getCoilId(),
                "classId", a.getClassId(), "value", a.getValue(), "limit", a.getLimit(), "message", a.getMessage(),
                "raisedAt", a.getRaisedAt().toString());
    }

    /** The masks of an image on the map, shaped as the image endpoint's masks. */
    static List<Map<String, Object>> masks(MappedImage image) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MappedImage.Mask m : image.masks()) {
            out.add(JsonViews.mask(m.classId(), m.className(), m.rle(), m.pixelCount()));
        }
        return out;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
