package dev.coilsight.analytics.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.periodic.PeriodicDefect;

class CoilGraderTest {

    private static final CoilGrader GRADER = new CoilGrader(GradingRulesTest.parse("""
            {"version": "v3", "products": [{"product": "sheet", "stripWidthMm": 1000, "edgeZoneMm": 50, "rules": [
              {"id": "no-class-4", "class": 4, "reject": true},
              {"id": "class-3-area", "class": 3, "maxAreaMm2PerMetre": 100, "grade": "C"},
              {"id": "per-100m", "maxDefectsPer100m": 10, "grade": "B"},
              {"id": "edge", "zone": "edge", "maxDefectsPer100m": 2, "grade": "B"},
              {"id": "roll-marks", "maxPeriodic": 0, "grade": "C"}
            ]}]}"""));

    /** A 100 m coil. */
    private static final double LENGTH = 100_000;

    @Test
    void aCoilBreakingNoRuleIsGradeA() {
        CoilGrade grade = GRADER.grade("L1", new CoilFacts(LENGTH, List.of(defect(1, 500, 10)), new DefectTally(), List.of()));
        assertEquals(Grade.A, grade.grade());
        assertNull(grade.decidingRule());
        assertEquals("v3", grade.rulesVersion());
        assertEquals("sheet", grade.product());
    }

    @Test
    void theWorstBrokenRuleDecidesAndEveryBrokenRuleIsListed() {
        List<StripDefect> defects = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            defects.add(defect(1, 500, 10)); // 11 per 100 m: past per-100m (B)
        }
        defects.add(defect(3, 500, 10_001)); // 100.01 mm2 per metre: past class-3-area (C)
        CoilGrade grade = GRADER.grade("L1", new CoilFacts(LENGTH, defects, new DefectTally(), List.of()));
        assertEquals(Grade.C, grade.grade());
        assertEquals("class-3-area", grade.decidingRule());
        assertEquals(List.of("class-3-area", "per-100m"), grade.broken().stream().map(CoilGrade.RuleCheck::ruleId).toList());
        assertEquals(12.0, grade.broken().get(1).measured(), 1e-9);
    }

    @Test
    void aRejectClassRejectsWithOneDefect() {
        CoilGrade grade = GRADER.grade("L1", new CoilFacts(LENGTH, List.of(defect(4, 500, 1)), new DefectTally(), List.of()));
        assertEquals(Grade.REJECT, grade.grade());
        assertEquals("no-class-4", grade.decidingRule());
    }

    @Test
    void edgeRulesCountOnlyDefectsNearAnEdge() {
        List<StripDefect> centre = List.of(defect(1, 500, 1), defect(1, 500, 1), defect(1, 500, 1));
        assertEquals(Grade.A, GRADER.grade("L1", new CoilFacts(LENGTH, centre, new DefectTally(), List.of())).grade());
        List<StripDefect> edges = List.of(defect(1, 20, 1), defect(1, 980, 1), defect(1, 960, 1));
        CoilGrade grade = GRADER.grade("L1", new CoilFacts(LENGTH, edges, new DefectTally(), List.of()));
        assertEquals(Grade.B, grade.grade());
        assertEquals("edge", grade.decidingRule());
    }

    @Test
    void aDefectReachingIntoAnEdgeZoneIsAnEdgeDefectWhereverItsCentreLies() {
        // Edge cracks 100 mm long from either edge: centres at 50 and 950 mm, outside the 50 mm edge zones.
        List<StripDefect> cracks = List.of(new StripDefect("a", 1, "class 1", 1000, 1010, 0, 100, 5),
                new StripDefect("b", 1, "class 1", 2000, 2010, 900, 1000, 5), new StripDefect("c", 1, "class 1", 3000, 3010, 0, 100, 5));
        CoilGrade grade = GRADER.grade("L1", new CoilFacts(LENGTH, cracks, new DefectTally(), List.of()));
        assertEquals("edge", grade.decidingRule());
        DefectTally notPlaced = new DefectTally();
        cracks.forEach(d -> notPlaced.add(GRADER.rules().forLine("L1"), d));
        assertEquals("edge", GRADER.grade("L1", new CoilFacts(LENGTH, List.of(), notPlaced, List.of())).decidingRule());
    }

    @Test
    void defectsTheMapDoesNotHoldCountAsThoseOnItDoInTheirClassAndZone() {
        ProductRules sheet = GRADER.rules().forLine("L1");
        DefectTally notPlaced = new DefectTally();
        for (double across : List.of(20.0, 980.0, 960.0)) {
            notPlaced.add(sheet, defect(1, across, 1));
        }
        CoilGrade edges = GRADER.grade("L1", new CoilFacts(LENGTH, List.of(defect(1, 500, 1)), notPlaced, List.of()));
        assertEquals(Grade.B, edges.grade());
        assertEquals("edge", edges.decidingRule());

        notPlaced.add(sheet, defect(4, 500, 1)); // after the map filled: a class that rejects the coil
        CoilGrade rejected = GRADER.grade("L1", new CoilFacts(LENGTH, List.of(), notPlaced, List.of()));
        assertEquals(Grade.REJECT, rejected.grade());
        assertEquals("no-class-4", rejected.decidingRule());
    }

    @Test
    void aPeriodicDefectBreaksTheRollMarkRule() {
        PeriodicDefect mark = new PeriodicDefect(2, "class 2", 1500, List.of(0.0, 1500.0, 3000.0, 4500.0, 6000.0), 400);
        CoilGrade grade = GRADER.grade("L1", new CoilFacts(LENGTH, List.of(), new DefectTally(), List.of(mark)));
        assertEquals(Grade.C, grade.grade());
        assertEquals("roll-marks", grade.decidingRule());
    }

    private static StripDefect defect(int classId, double acrossMm, double areaMm2) {
        return new StripDefect("img", classId, "class " + classId, 1000, 1010, acrossMm - 1, acrossMm + 1, areaMm2);
    }
}
