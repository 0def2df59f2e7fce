package dev.coilsight.analytics.grading;

import dev.coilsight.schemas.GradeLevel;

/** A coil's grade for the MES, best first; a rule that is broken lowers the coil to the rule's grade. */
public enum Grade {
    A, B, C, REJECT;

    public boolean worseThan(Grade other) {
        return compareTo(other) > 0;
    }

    /** The grade in the published contract ({@code CoilGraded}); a grade added here must be added there too. */
    public GradeLevel published() {
        return switch (this) {
            case A -> GradeLevel.A;
            case B -> GradeLevel.B;
            case C -> GradeLevel.C;
            case REJECT -> GradeLevel.REJECT;
        };
    }
}
