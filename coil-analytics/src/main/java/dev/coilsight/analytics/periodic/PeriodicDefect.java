package dev.coilsight.analytics.periodic;

import java.util.List;

/**
 * Defects of one class repeating at a constant pitch along a coil, as a damaged roll marks every turn.
 *
 * @param pitchMm the fitted distance between occurrences
 * @param positionsMm where each occurrence lies along the coil, in order
 * @param acrossMm the mean position across the strip
 */
public record PeriodicDefect(int classId, String className, double pitchMm, List<Double> positionsMm, double acrossMm) {

    public PeriodicDefect {
        positionsMm = List.copyOf(positionsMm);
    }

    public int count() {
        return positionsMm.size();
    }

    /** The diameter of the roll whose circumference is the pitch. */
    public double rollDiameterMm() {
        return pitchMm / Math.PI;
    }
}
