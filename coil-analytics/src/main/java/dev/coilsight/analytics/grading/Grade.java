package dev.coilsight.analytics.grading;

/** A coil's grade for the MES, best first; a rule that is broken lowers the coil to the rule's grade. */
public enum Grade {
    A, B, C, REJECT;

    public boolean worseThan(Grade other) {
        return compareTo(other) > 0;
    }
}
