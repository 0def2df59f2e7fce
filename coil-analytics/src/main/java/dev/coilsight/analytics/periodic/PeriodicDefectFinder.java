package dev.coilsight.analytics.periodic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.coilsight.analytics.coilmap.StripDefect;

/**
 * Finds defects of one class at a constant pitch along a coil. Every pair of defects close enough across the strip
 * proposes a pitch (their distance over 1..{@code maxMissedTurns + 1} turns); the proposal is followed turn by turn
 * from the earlier defect, each turn taking the nearest defect within the tolerance and refitting the pitch by least
 * squares over what it has taken, and stopping after more missed turns in a row than allowed. A series is kept when
 * it has enough occurrences and every one lies within the tolerance of the fitted pitch. The series with the most
 * occurrences net of its missed turns wins (so half the true pitch loses), its defects are set aside, and the search runs
 * again. Series of one class at the same pitch are the spots of one damaged roll (wherever they lie on its
 * circumference): they are reported as one periodic defect with its number of spots. Two rolls of the same
 * circumference within the tolerance marking the same class cannot be told apart by pitch: they are reported as one. Quadratic in the defects of a class per proposal, which a coil's map bounds.
 */
public final class PeriodicDefectFinder {

    private final PeriodicSettings settings;

    public PeriodicDefectFinder(PeriodicSettings settings) {
        this.settings = settings;
    }

    /** The periodic defects among a coil's defects, by class then position. */
    public List<PeriodicDefect> find(List<StripDefect> defects) {
        Map<Integer, List<StripDefect>> byClass = new TreeMap<>();
        for (StripDefect d : defects) {
            byClass.computeIfAbsent(d.classId(), c -> new ArrayList<>()).add(d);
        }
        List<PeriodicDefect> found = new ArrayList<>();
        byClass.forEach((classId, ofClass) -> found.addAll(mergeSpotsOfOneRoll(findInClass(ofClass))));
        return found;
    }

    /**
     * One roll marks the strip with several spots per turn: series at the same pitch (within the tolerance) are one
     * roll. The longest series stands for it; the across position is the mean of its spots.
     */
    private List<PeriodicDefect> mergeSpotsOfOneRoll(List<PeriodicDefect> series) {
        List<PeriodicDefect> rolls = new ArrayList<>();
        boolean[] merged = new boolean[series.size()];
        for (int i = 0; i < series.size(); i++) {
            if (merged[i]) {
                continue;
            }
            PeriodicDefect longest = series.get(i);
            double across = longest.acrossMm();
            int spots = 1;
            for (int j = i + 1; j < series.size(); j++) {
                PeriodicDefect other = series.get(j);
                if (!merged[j] && sameRoll(longest, other)) {
                    merged[j] = true;
                    across += other.acrossMm();
                    spots++;
                    if (other.count() > longest.count()) {
                        longest = other;
                    }
                }
            }
            rolls.add(new PeriodicDefect(longest.classId(), longest.className(), longest.pitchMm(), longest.positionsMm(), across / spots, spots));
        }
        return rolls;
    }

    private boolean sameRoll(PeriodicDefect a, PeriodicDefect b) {
        double pitch = (a.pitchMm() + b.pitchMm()) / 2;
        return Math.abs(a.pitchMm() - b.pitchMm()) <= settings.tolerance() * pitch;
    }

    private List<PeriodicDefect> findInClass(List<StripDefect> ofClass) {
        List<StripDefect> left = new ArrayList<>(ofClass);
        left.sort(Comparator.comparingDouble(StripDefect::alongMm));
        List<PeriodicDefect> found = new ArrayList<>();
        while (left.size() >= settings.minOccurrences()) {
            Series best = bestSeries(left, 0.01 / ((double) left.size() * left.size()));
            if (best == null) {
                break;
            }
            List<Double> positions = new ArrayList<>();
            double across = 0;
            for (int index : best.members) {
                positions.add(left.get(index).alongMm());
                across += left.get(index).acrossMm();
            }
            StripDefect first = left.get(best.members.get(0));
            found.add(new PeriodicDefect(first.classId(), first.className(), best.pitch, positions, across / best.members.size()));
            List<StripDefect> rest = new ArrayList<>();
            for (int i = 0; i < left.size(); i++) {
                if (!best.members.contains(i)) {
                    rest.add(left.get(i));
                }
            }
            left = rest;
        }
        return found;
    }

    /**
     * The band a series from {@code origin} follows (its across tolerance, either side): how many of the class's defects
     * lie in it, and the length of coil they span. Local, so that a class crowded at the edges is judged by its density
     * there.
     */
    private record Band(long defects, double alongMm) {

        /**
         * How likely a turn's window (the tolerance times the pitch, either side) holds a defect by chance, per mm of
         * pitch, judged by the band's defects other than the series' own (at least one): counting them would make a
         * roll's marks, on a coil with few other defects of their class, their own evidence of chance.
         */
        double chanceOfAHitPerMm(int seriesMembers, double tolerance) {
            return Math.max(1, defects - seriesMembers) / alongMm * 2 * tolerance;
        }
    }

    private Band band(List<StripDefect> sorted, StripDefect origin) {
        long inBand = sorted.stream().filter(d -> Math.abs(d.acrossMm() - origin.acrossMm()) <= settings.acrossToleranceMm()).count();
        return new Band(inBand, Math.max(1, sorted.get(sorted.size() - 1).alongMm() - sorted.get(0).alongMm()));
    }

    private Series bestSeries(List<StripDefect> sorted, double significance) {
        Series best = null;
        int maxTurnsPerPair = settings.maxMissedTurns() + 1;
        for (int i = 0; i < sorted.size(); i++) {
            StripDefect a = sorted.get(i);
            Band band = null; // computed once per origin, when a pair first proposes a pitch
            for (int j = i + 1; j < sorted.size(); j++) {
                StripDefect b = sorted.get(j);
                double distance = b.alongMm() - a.alongMm();
                if (distance > settings.maxPitchMm() * maxTurnsPerPair) {
                    break;
                }
                if (Math.abs(b.acrossMm() - a.acrossMm()) > settings.acrossToleranceMm()) {
                    continue;
                }
                for (int turns = 1; turns <= maxTurnsPerPair; turns++) {
                    double pitch = distance / turns;
                    if (pitch < settings.minPitchMm() || pitch > settings.maxPitchMm()) {
                        continue;
                    }
                    if (band == null) {
                        band = band(sorted, a);
                    }
                    Series s = follow(sorted, i, pitch, band, significance);
                    if (s != null && (best == null || s.betterThan(best))) {
                        best = s;
                    }
                }
            }
        }
        return best;
    }

    /** The series from defect {@code start} at about {@code pitch}, or null when it is too short or not constant. */
    private Series follow(List<StripDefect> sorted, int start, double pitch, Band band, double significance) {
        StripDefect origin = sorted.get(start);
        List<Integer> members = new ArrayList<>(List.of(start));
        List<Integer> turnOf = new ArrayList<>(List.of(0));
        double last = sorted.get(sorted.size() - 1).alongMm();
        int missed = 0;
        int missedTotal = 0;
        for (int turn = 1; ; turn++) {
            double expected = origin.alongMm() + turn * pitch;
            double window = settings.tolerance() * pitch;
            if (expected > last + window) {
                break;
            }
            int nearest = nearest(sorted, expected, window, origin.acrossMm(), start);
            if (nearest < 0) {
                if (missed + 1 > settings.maxMissedTurns()) {
                    break;
                }
                missed++;
                missedTotal++;
                continue;
            }
            missed = 0;
            members.add(nearest);
            turnOf.add(turn);
            pitch = fittedPitch(sorted, members, turnOf, pitch);
        }
        if (members.size() < settings.minOccurrences()) {
            return null;
        }
        // Trailing misses are where the series ended, not gaps in it.
        missedTotal -= missed;
        double fitted = fittedPitch(sorted, members, turnOf, pitch);
        double intercept = intercept(sorted, members, turnOf, fitted);
        for (int k = 0; k < members.size(); k++) {
            double residual = sorted.get(members.get(k)).alongMm() - (intercept + turnOf.get(k) * fitted);
            if (Math.abs(residual) > settings.tolerance() * fitted) {
                return null;
            }
        }
        if (fitted < settings.minPitchMm() || fitted > settings.maxPitchMm()) {
            return null;
        }
        // On a densely marked coil some pitch always collects a few hits by chance; a series counts only if its hits are
        // far beyond what chance gives over its turns (the bound shrinks with the number of candidate series tried).
        // The origin and the defect that proposed the pitch are there by construction: only the other hits are evidence.
        double p = 1 - Math.exp(-band.chanceOfAHitPerMm(members.size(), settings.tolerance()) * fitted);
        if (upperTail(members.size() - 2, turnOf.get(turnOf.size() - 1) - 1, p) > significance) {
            return null;
        }
        return new Series(members, fitted, missedTotal);
    }

    private int nearest(List<StripDefect> sorted, double expected, double window, double across, int after) {
        int best = -1;
        double bestDistance = Double.MAX_VALUE;
        // From the first defect inside the window, found by bisection: this runs on the stream thread, for every turn of
        // every candidate series.
        for (int k = Math.max(after + 1, firstAtOrAfter(sorted, expected - window)); k < sorted.size(); k++) {
            StripDefect d = sorted.get(k);
            if (d.alongMm() > expected + window) {
                break;
            }
            double distance = Math.abs(d.alongMm() - expected);
            if (distance <= window && distance < bestDistance && Math.abs(d.acrossMm() - across) <= settings.acrossToleranceMm()) {
                best = k;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** P(X >= hits) for X binomial over {@code turns} turns with chance {@code p} each. */
    static double upperTail(int hits, int turns, double p) {
        if (hits <= 0) {
            return 1;
        }
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double sum = 0;
        double logChoose = 0; // log C(turns, x), built up from x = 0
        for (int x = 1; x <= turns; x++) {
            logChoose += Math.log((double) (turns - x + 1) / x);
            if (x >= hits) {
                sum += Math.exp(logChoose + x * logP + (turns - x) * logQ);
            }
        }
        return Math.min(1, sum);
    }

    /** The index of the first defect at or after {@code alongMm} in a list sorted along the strip (its size if none). */
    private static int firstAtOrAfter(List<StripDefect> sorted, double alongMm) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted.get(mid).alongMm() < alongMm) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Least-squares slope of position over turn number. */
    private static double fittedPitch(List<StripDefect> sorted, List<Integer> members, List<Integer> turnOf, double fallback) {
        int n = members.size();
        if (n < 2) {
            return fallback;
        }
        double meanTurn = 0;
        double meanPos = 0;
        for (int k = 0; k < n; k++) {
            meanTurn += turnOf.get(k);
            meanPos += sorted.get(members.get(k)).alongMm();
        }
        meanTurn /= n;
        meanPos /= n;
        double covariance = 0;
        double variance = 0;
        for (int k = 0; k < n; k++) {
            double dt = turnOf.get(k) - meanTurn;
            covariance += dt * (sorted.get(members.get(k)).alongMm() - meanPos);
            variance += dt * dt;
        }
        return variance == 0 ? fallback : covariance / variance;
    }

    private static double intercept(List<StripDefect> sorted, List<Integer> members, List<Integer> turnOf, double pitch) {
        double sum = 0;
        for (int k = 0; k < members.size(); k++) {
            sum += sorted.get(members.get(k)).alongMm() - turnOf.get(k) * pitch;
        }
        return sum / members.size();
    }

    /**
     * A candidate roll: the better of two has more occurrences net of its missed turns (a series at half the true pitch,
     * picking up a defect between the marks by chance, has more occurrences but misses every other turn), then more
     * occurrences.
     */
    private record Series(List<Integer> members, double pitch, int missedTurns) {
        boolean betterThan(Series other) {
            int net = members.size() - missedTurns;
            int otherNet = other.members.size() - other.missedTurns;
            if (net != otherNet) {
                return net > otherNet;
            }
            return members.size() > other.members.size();
        }
    }
}
