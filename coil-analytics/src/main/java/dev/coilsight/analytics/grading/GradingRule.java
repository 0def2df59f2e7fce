package dev.coilsight.analytics.grading;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One limit of a product: which defects it counts (a class, or every class; a zone across the strip), exactly one
 * measure with its limit, and the grade a coil drops to when the measure goes past the limit.
 *
 * @param reject any counted defect rejects the coil at once
 * @param maxAreaMm2PerMetre defect area over the coil's inspected length
 * @param maxDefectsPer100m defects over the coil's inspected length
 * @param maxPeriodic periodic (roll-mark) defects found on the coil
 */
public record GradingRule(
        String id,
        @JsonProperty("class") Integer classId,
        Zone zone,
        Boolean reject,
        Double maxAreaMm2PerMetre,
        Double maxDefectsPer100m,
        Integer maxPeriodic,
        Grade grade) {

    /** The measures a rule may limit, as they are named in the rules file. */
    public static final List<String> MEASURES = List.of("reject", "maxAreaMm2PerMetre", "maxDefectsPer100m", "maxPeriodic");

    public GradingRule {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: every rule needs an id, the name the grade will give as its reason");
        }
        int measures = (Boolean.TRUE.equals(reject) ? 1 : 0) + (maxAreaMm2PerMetre != null ? 1 : 0) + (maxDefectsPer100m != null ? 1 : 0)
                + (maxPeriodic != null ? 1 : 0);
        if (measures != 1) {
            throw new IllegalArgumentException("rule '" + id + "': give exactly one of " + MEASURES + " (reject: true), got " + measures);
        }
        if (Boolean.TRUE.equals(reject)) {
            if (grade != null && grade != Grade.REJECT) {
                throw new IllegalArgumentException("grade: rule '" + id + "' rejects, so its grade can only be REJECT, got " + grade);
            }
            grade = Grade.REJECT;
        } else if (grade == null || grade == Grade.A) {
            throw new IllegalArgumentException("grade: rule '" + id + "' must say which grade (B, C or REJECT) a coil past its limit gets");
        }
        if (negative(maxAreaMm2PerMetre) || negative(maxDefectsPer100m) || (maxPeriodic != null && maxPeriodic < 0)) {
            throw new IllegalArgumentException("rule '" + id + "': a limit must be a number >= 0");
        }
        if (classId != null && classId < 0) {
            throw new IllegalArgumentException("class: rule '" + id + "': class ids are >= 0, got " + classId);
        }
        zone = zone == null ? Zone.ANY : zone;
        reject = Boolean.TRUE.equals(reject);
    }

    private static boolean negative(Double limit) {
        return limit != null && !(limit >= 0 && Double.isFinite(limit));
    }

    boolean counts(int defectClass) {
        return classId == null || classId == defectClass;
    }

    /** The rule in words, for a grade's reason. */
    public String describe() {
        String what = (classId == null ? "defects" : "class " + classId + " defects") + (zone == Zone.ANY ? "" : " in the " + zone.name().toLowerCase() + " zone");
        if (reject) {
            return "no " + what + " allowed";
        }
        if (maxAreaMm2PerMetre != null) {
            return what + ": at most " + maxAreaMm2PerMetre + " mm2 per metre";
        }
        if (maxDefectsPer100m != null) {
            return what + ": at most " + maxDefectsPer100m + " per 100 m";
        }
        return "periodic " + what + ": at most " + maxPeriodic;
    }
}
