package dev.coilsight.analytics.grading;

/** Where across the strip a rule looks: near either edge, between the edge zones, or anywhere. */
public enum Zone {
    ANY, EDGE, CENTRE;

    /**
     * Whether a defect spanning {@code acrossStartMm} to {@code acrossEndMm} lies in this zone: it is at the edge when
     * any part of it reaches into an edge zone (an edge crack 100 mm long from the edge is an edge defect, whatever
     * its centre), in the centre otherwise.
     */
    boolean contains(double acrossStartMm, double acrossEndMm, double stripWidthMm, double edgeZoneMm) {
        boolean edge = acrossStartMm < edgeZoneMm || acrossEndMm > stripWidthMm - edgeZoneMm;
        return switch (this) {
            case ANY -> true;
            case EDGE -> edge;
            case CENTRE -> !edge;
        };
    }
}
