package dev.coilsight.analytics.grading;

import java.util.List;

/**
 * When coil-analytics raises a {@code QualityAlert}, from the {@code alerts} section of the rules file.
 *
 * @param maxLineDefectRate a line's defect rate in one window above which it alerts; null: never
 * @param minImagesPerWindow the fewest images a window needs before its rate counts (a few images say little)
 * @param neverClasses defect classes that must never appear: the first on a coil alerts at once
 * @param periodic whether a periodic (roll-mark) defect alerts as soon as it is found, before the coil ends
 */
public record AlertRules(Double maxLineDefectRate, Integer minImagesPerWindow, List<Integer> neverClasses, Boolean periodic) {

    public static final AlertRules DEFAULT = new AlertRules(null, null, null, null);

    public AlertRules {
        if (maxLineDefectRate != null && !(maxLineDefectRate >= 0 && maxLineDefectRate <= 1)) {
            throw new IllegalArgumentException("maxLineDefectRate: a rate between 0 and 1, got " + maxLineDefectRate);
        }
        minImagesPerWindow = minImagesPerWindow == null ? 20 : minImagesPerWindow;
        if (minImagesPerWindow < 1) {
            throw new IllegalArgumentException("minImagesPerWindow: at least 1, got " + minImagesPerWindow);
        }
        neverClasses = neverClasses == null ? List.of() : List.copyOf(neverClasses);
        periodic = periodic == null || periodic;
    }
}
