package dev.coilsight.analytics.grading;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.periodic.PeriodicDefect;

/** Grades a coil against its product's rules: the worst grade among the rules it breaks, A when it breaks none. */
public final class CoilGrader {

    private final GradingRules rules;

    public CoilGrader(GradingRules rules) {
        this.rules = rules;
    }

    public GradingRules rules() {
        return rules;
    }

    public CoilGrade grade(String lineId, CoilFacts coil) {
        ProductRules product = rules.forLine(lineId);
        List<CoilGrade.RuleCheck> broken = new ArrayList<>();
        for (GradingRule rule : product.rules()) {
            double measured = measure(product, rule, coil);
            double limit = limitOf(rule);
            if (rule.reject() ? measured > 0 : measured > limit) {
                broken.add(new CoilGrade.RuleCheck(rule.id(), rule.grade(), measured, limit, rule.describe()));
            }
        }
        CoilGrade.RuleCheck deciding = null;
        for (CoilGrade.RuleCheck check : broken) {
            if (deciding == null || check.grade().worseThan(deciding.grade())) {
                deciding = check;
            }
        }
        if (deciding == null) {
            return new CoilGrade(Grade.A, product.product(), rules.version(), null, "no rule of " + product.product() + " broken", broken);
        }
        String reason = deciding.ruleId() + ": " + deciding.rule() + ", measured " + round(deciding.measured());
        return new CoilGrade(deciding.grade(), product.product(), rules.version(), deciding.ruleId(), reason, broken);
    }

    private static double measure(ProductRules product, GradingRule rule, CoilFacts coil) {
        if (rule.maxPeriodic() != null) {
            return coil.periodic().stream().filter(p -> rule.counts(p.classId()) && product.inZone(rule, p.acrossMm(), p.acrossMm())).count();
        }
        long count = 0;
        double area = 0;
        for (StripDefect d : coil.defects()) {
            if (rule.counts(d.classId()) && product.inZone(rule, d.acrossStartMm(), d.acrossEndMm())) {
                count++;
                area += d.areaMm2();
            }
        }
        double[] notPlaced = coil.notPlaced().measure(rule::counts, rule.zone());
        count += (long) notPlaced[0];
        area += notPlaced[1];
        double metres = Math.max(coil.inspectedLengthMm(), 1.0) / 1000.0;
        if (rule.reject()) {
            return count;
        }
        return rule.maxAreaMm2PerMetre() != null ? area / metres : count * 100.0 / metres;
    }

    private static double limitOf(GradingRule rule) {
        if (rule.reject()) {
            return 0;
        }
        if (rule.maxAreaMm2PerMetre() != null) {
            return rule.maxAreaMm2PerMetre();
        }
        return rule.maxDefectsPer100m() != null ? rule.maxDefectsPer100m() : rule.maxPeriodic();
    }

    private static String round(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
