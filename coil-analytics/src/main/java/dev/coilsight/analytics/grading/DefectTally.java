package dev.coilsight.analytics.grading;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

import dev.coilsight.analytics.coilmap.StripDefect;

/**
 * The defects of a coil that its map does not hold (past {@code COILSIGHT_MAP_MAX_DEFECTS_PER_COIL}, or past the
 * largest 64 of a class in one image), tallied per class and per zone of the coil's product, so that its grade and its
 * per-class figures still count them. Kept in the coil's progress (JSON), mutable as that is.
 */
public final class DefectTally {

    /** Per class, per zone: the number of defects and their area in mm². */
    public Map<Integer, Map<Zone, double[]>> byClass = new TreeMap<>();
    public Map<Integer, String> classNames = new TreeMap<>();

    public void add(ProductRules product, StripDefect defect) {
        classNames.putIfAbsent(defect.classId(), defect.className());
        Map<Zone, double[]> zones = byClass.computeIfAbsent(defect.classId(), c -> new EnumMap<>(Zone.class));
        for (Zone zone : Zone.values()) {
            // A product without a strip width has no zone rules (the rules file is refused otherwise): only ANY counts.
            boolean in = zone == Zone.ANY
                    || product.stripWidthMm() != null && zone.contains(defect.acrossStartMm(), defect.acrossEndMm(), product.stripWidthMm(), product.edgeZoneMm());
            if (in) {
                double[] tally = zones.computeIfAbsent(zone, z -> new double[2]);
                tally[0]++;
                tally[1] += defect.areaMm2();
            }
        }
    }

    /** The number and area (mm²) of the tallied defects of the classes {@code counts} takes, in {@code zone}. */
    double[] measure(IntPredicate counts, Zone zone) {
        double[] sum = new double[2];
        byClass.forEach((classId, zones) -> {
            double[] tally = zones.get(zone);
            if (counts.test(classId) && tally != null) {
                sum[0] += tally[0];
                sum[1] += tally[1];
            }
        });
        return sum;
    }
}
