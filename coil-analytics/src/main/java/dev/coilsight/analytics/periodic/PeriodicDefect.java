package dev.coilsight.analytics.periodic;

import java.util.List;

/**
 * Defects of one class repeating at a constant pitch along a coil, as a damaged roll marks every turn.
 *
 * @param pitchMm the fitted distance between occurrences
 * @param positionsMm where each occurrence lies along the coil, in order
 * @param acrossMm the mean position across the strip
 * @param spots how many defects the roll leaves per turn (series of the class at the same pitch and phase, merged)
 */
public record PeriodicDefect(int classId, String className, double pitchMm, List<Double> positionsMm, double acrossMm, int spots) {

    public PeriodicDefect {
        positionsMm = List.copyOf(positionsMm);
    }

    public PeriodicDefect(int classId, String className, double pitchMm, List<Double> positionsMm, double acrossMm) {
        this(classId, className, pitchMm, positionsMm, acrossMm, 1);
    }

    public int count() {
        return positionsMm.size();
    }

    /** The diameter of the roll whose circumference is the pitch. */
    public double rollDiameterMm() {
        return pitchMm / Math.PI;
    }
}
