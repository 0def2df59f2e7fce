package dev.coilsight.analytics.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class GradingRulesTest {

    @Test
    void theShippedRulesAreValidAndCoverEveryLine() {
        GradingRules rules = GradingRules.defaults();
        assertEquals("coilsight-default-2", rules.version());
        assertEquals("general-strip", rules.forLine("any-line").product());
        assertEquals("general-strip", rules.forLine(null).product());
        // The demo's second line: tiles, whose classes 3 and 4 are cracks and frays, not steel's.
        assertEquals("magnetic-tile", rules.forLine("magnetic-tile").product());
        assertEquals(null, rules.forLine("magnetic-tile").stripWidthMm());
    }

    @Test
    void aLineNamedByAProductGetsThatProductsRules() {
        GradingRules rules = parse("""
                {"version": "7", "products": [
                  {"product": "auto-body", "lines": ["L2"], "rules": [{"id": "r", "maxDefectsPer100m": 1, "grade": "B"}]},
                  {"product": "general", "lines": ["*"], "rules": []}
                ]}""");
        assertEquals("auto-body", rules.forLine("L2").product());
        assertEquals("general", rules.forLine("L1").product());
    }

    @Test
    void aRuleWithoutALimitIsNamedWithItsLineAndField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [
                  {"product": "p", "rules": [
                    {"id": "ok", "maxPeriodic": 0, "grade": "C"},
                    {"id": "no-limit", "class": 2, "grade": "B"}
                  ]}
                ]}"""));
        assertTrue(e.getMessage().startsWith("rules.json:4 (products[0].rules[1])"), e.getMessage());
        assertTrue(e.getMessage().contains("rule 'no-limit': give exactly one of"), e.getMessage());
    }

    @Test
    void aMisspelledFieldOrAnUnknownGradeIsNamed() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [
                  {"product": "p", "rules": [
                    {"id": "r", "maxDefectsPer100M": 3, "grade": "B"}
                  ]}
                ]}"""));
        assertTrue(typo.getMessage().startsWith("rules.json:3 (products[0].rules[0]): rule 'r': give exactly one of [reject, "
                + "maxAreaMm2PerMetre, maxDefectsPer100m, maxPeriodic]"), typo.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [
                  {"product": "p", "rules": [
                    {"id": "r", "maxPeriodic": 0, "grade": "C", "colour": "red"}
                  ]}
                ]}"""));
        assertTrue(unknown.getMessage().startsWith("rules.json:3 (products[0].rules[0].colour)"), unknown.getMessage());
        IllegalArgumentException grade = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [
                  {"product": "p", "rules": [
                    {"id": "r", "maxDefectsPer100m": 3,
                     "grade": "D"}
                  ]}
                ]}"""));
        assertTrue(grade.getMessage().startsWith("rules.json:4 (products[0].rules[0].grade)"), grade.getMessage());
    }

    @Test
    void rulesMustCoverEveryLineAndNameEachLineOnce() {
        IllegalArgumentException uncovered = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [{"product": "p", "lines": ["L1"], "rules": []}]}"""));
        assertTrue(uncovered.getMessage().contains("one product must name line \"*\""), uncovered.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [{"product": "p", "rules": []}, {"product": "q", "rules": []}]}"""));
        assertTrue(twice.getMessage().contains("line '*' belongs to both 'p' and 'q'"), twice.getMessage());
    }

    @Test
    void zoneRulesNeedTheStripWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1", "products": [{"product": "p", "rules": [
                  {"id": "edges", "zone": "edge", "maxDefectsPer100m": 3, "grade": "B"}]}]}"""));
        assertTrue(e.getMessage().contains("product 'p' has zone rules, so it needs stripWidthMm"), e.getMessage());
    }

    @Test
    void brokenJsonIsNamedWithItsLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("""
                {"version": "1",
                 "products": [ }"""));
        assertTrue(e.getMessage().startsWith("rules.json:2"), e.getMessage());
    }

    static GradingRules parse(String json) {
        return GradingRules.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "rules.json");
    }
}
