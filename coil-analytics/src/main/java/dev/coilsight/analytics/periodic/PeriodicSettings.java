package dev.coilsight.analytics.periodic;

/**
 * What counts as a periodic (roll-mark) defect.
 *
 * @param tolerance how far each occurrence may lie from its place on a constant pitch, as a fraction of the pitch (0.02 = +-2 %)
 * @param minOccurrences the fewest occurrences of one class at one pitch that make a periodic defect
 * @param minPitchMm shortest pitch searched (the circumference of the smallest roll that could mark the strip)
 * @param maxPitchMm longest pitch searched
 * @param acrossToleranceMm how far across the strip the occurrences may wander: a roll marks the same place every turn
 * @param maxMissedTurns turns in a row without an occurrence that still continue a series (the model misses some)
 */
public record PeriodicSettings(double tolerance, int minOccurrences, double minPitchMm, double maxPitchMm, double acrossToleranceMm,
        int maxMissedTurns) {

    /** Work rolls of 200 mm to 1.6 m diameter, +-2 %, five occurrences, 25 mm across, one missed turn. */
    public static final PeriodicSettings DEFAULT = new PeriodicSettings(0.02, 5, Math.PI * 200, Math.PI * 1600, 25, 1);

    public PeriodicSettings {
        if (!(tolerance > 0 && tolerance < 0.25)) {
            throw new IllegalArgumentException("tolerance must be a fraction of the pitch in (0, 0.25), got " + tolerance);
        }
        if (minOccurrences < 3) {
            throw new IllegalArgumentException("at least 3 occurrences are needed to call a pitch constant, got " + minOccurrences);
        }
        if (!(minPitchMm > 0 && maxPitchMm >= minPitchMm && Double.isFinite(maxPitchMm))) {
            throw new IllegalArgumentException("pitch range must be 0 < min <= max, got " + minPitchMm + ".." + maxPitchMm);
        }
        if (!(acrossToleranceMm >= 0) || maxMissedTurns < 0) {
            throw new IllegalArgumentException("across tolerance and missed turns must not be negative");
        }
    }
}
