package dev.coilsight.analytics.grading;

import java.util.List;

import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.periodic.PeriodicDefect;

/**
 * What a coil's grade is decided from: its inspected length, its defects on the strip (the map's), those the map does
 * not hold ({@code notPlaced}), and its periodic defects.
 */
public record CoilFacts(double inspectedLengthMm, List<StripDefect> defects, DefectTally notPlaced, List<PeriodicDefect> periodic) {

    public CoilFacts {
        defects = List.copyOf(defects);
        periodic = List.copyOf(periodic);
    }
}
