package dev.coilsight.analytics.grading;

/** Where across the strip a rule looks: near either edge, between the edge zones, or anywhere. */
public enum Zone {
    ANY, EDGE, CENTRE;

    boolean contains(double acrossMm, double stripWidthMm, double edgeZoneMm) {
        boolean edge = acrossMm < edgeZoneMm || acrossMm > stripWidthMm - edgeZoneMm;
        return switch (this) {
            case ANY -> true;
            case EDGE -> edge;
            case CENTRE -> !edge;
        };
    }
}
