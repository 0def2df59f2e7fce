package dev.coilsight.analytics.grading;

import java.util.List;

/**
 * A coil's grade and why.
 *
 * @param decidingRule the first broken rule of the worst grade, null for grade A
 * @param broken every rule the coil broke, in file order
 */
public record CoilGrade(Grade grade, String product, String rulesVersion, String decidingRule, String reason, List<RuleCheck> broken) {

    /** One rule measured on the coil. */
    public record RuleCheck(String ruleId, Grade grade, double measured, double limit, String rule) {
    }

    public CoilGrade {
        broken = List.copyOf(broken);
    }
}
