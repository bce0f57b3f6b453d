package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drift signals of a window against a reference profile and a baseline: statistics, p-values,
 * limits, intervals, the Bonferroni count and every level as make_expected.py computed them with
 * scipy, for an in-distribution window, a shifted one, a large window whose shift is significant
 * but trivial, and a window too small to test.
 */
class DriftEvaluatorTest {

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Expected.ROOT.get("cases").forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void signalsMatchScipy(String name, JsonNode c) {
        DriftEvaluator.Drift drift = DriftEvaluator.evaluate(Expected.window(c), Expected.baseline(c.get("baseline")),
                new DriftEvaluator.Model("m", "1", Expected.findings()), Expected.profile(c.get("reference").asText()),
                Expected.thresholds());
        JsonNode expected = c.get("expected");
        Map<String, DriftSignal> signals = drift.signals().stream().collect(Collectors.toMap(DriftSignal::name, Function.identity()));
        assertEquals(expected.get("comparisons").asInt(), drift.comparisons(), "tests sharing the family-wise alpha");
        assertEquals(expected.get("status").asText(), drift.signals().stream().map(DriftSignal::status)
                .reduce(MonitorStatus.OK, MonitorStatus::worse).code());
        Expected.fields(expected.get("signals")).forEach((signalName, e) -> {
            DriftSignal actual = signals.get(signalName);
            assertTrue(actual != null, signalName + " was not evaluated");
            assertTrue(actual.tested(), signalName + " was not tested: " + actual.reason());
            Expected.level(e.get("level").asText(), actual);
            Expected.close(e.get("statistic").asDouble(), actual.statistic(), 1e-12, signalName + " statistic");
            Expected.close(e.get("effect").asDouble(), actual.effect(), 1e-12, signalName + " effect");
            if (e.has("pValue")) {
                double p = e.get("pValue").asDouble();
                Expected.close(p, actual.pValue(), Math.max(1e-10, 1e-6 * p), signalName + " p-value");
            }
            if (e.has("dof")) {
                assertEquals(e.get("dof").asInt(), actual.degreesOfFreedom(), signalName + " degrees of freedom");
            }
            if (e.has("warning")) {
                Expected.range(e.get("warning"), actual.warningLimits(), signalName + " warning limits");
            }
            if (e.has("alarm") && !e.get("alarm").isNull()) {
                Expected.range(e.get("alarm"), actual.alarmLimits(), signalName + " alarm limits");
            }
            if (e.has("interval")) {
                Expected.range(e.get("interval"), actual.interval(), signalName + " Wilson interval");
            }
            assertEquals(!e.get("level").asText().equals("ok"), actual.reason() != null && !actual.reason().isEmpty(),
                    signalName + " says why it is not ok, and only then");
        });
        long tested = drift.signals().stream().filter(DriftSignal::tested).count();
        assertEquals(expected.get("signals").size(), tested, "no other signal was tested");
    }

    @Test
    void tooFewStudiesTestsNothingAndSaysWhy() {
        JsonNode c = Expected.ROOT.get("cases").get(3);
        DriftEvaluator.Drift drift = DriftEvaluator.evaluate(Expected.window(c), Expected.baseline(c.get("baseline")),
                new DriftEvaluator.Model("m", "1", Expected.findings()), Expected.profile("main"), Expected.thresholds());
        assertEquals(0, drift.comparisons());
        for (DriftSignal signal : drift.signals()) {
            assertFalse(signal.tested(), signal.name());
            assertEquals("ok", signal.level());
            assertTrue(signal.reason().contains("30 scored studies in the window, 50 needed"), signal.reason());
        }
    }

    @Test
    void onlyTheJudgedModelVersionsStudiesAreCompared() {
        JsonNode c = Expected.ROOT.get("cases").get(1);
        DriftEvaluator.Drift drift = DriftEvaluator.evaluate(Expected.window(c), Expected.baseline(c.get("baseline")),
                new DriftEvaluator.Model("m", "2", Expected.findings()), Expected.profile("main"), Expected.thresholds());
        assertEquals(0, drift.comparable());
        assertTrue(drift.signals().stream().noneMatch(DriftSignal::tested));
    }

    @Test
    void aProfileWithoutSamplesLeavesItsSignalsUntestedWithTheFix() {
        JsonNode c = Expected.ROOT.get("cases").get(0);
        DriftEvaluator.Drift drift = DriftEvaluator.evaluate(Expected.window(c), Expected.baseline(c.get("baseline")),
                new DriftEvaluator.Model("m", "1", Expected.findings()), java.util.Optional.empty(), Expected.thresholds());
        DriftSignal score = drift.signals().stream().filter(s -> s.name().equals("score.pneumothorax")).findFirst().orElseThrow();
        assertFalse(score.tested());
        assertTrue(score.reason().contains("./cxr-triage calibrate"), score.reason());
        DriftSignal positive = drift.signals().stream().filter(s -> s.name().equals("positiveRate.effusion")).findFirst().orElseThrow();
        assertFalse(positive.tested());
        assertTrue(positive.rate() != null, "the window's positive rate is still reported");
        assertNull(positive.pValue());
    }

    @Test
    void reasonClassesDropParticulars() {
        assertEquals("not a radiograph", MonitoredStudy.reasonClass("not a radiograph (modality CT)"));
        assertEquals("undecodable image", MonitoredStudy.reasonClass("undecodable image: JPEG-LS"));
        assertEquals("error", MonitoredStudy.reasonClass("error: java.io.IOException: gone"));
        assertEquals("lateral view only", MonitoredStudy.reasonClass("lateral view only; image too small (100x100)"));
        assertEquals("unknown", MonitoredStudy.reasonClass(null));
    }
}
