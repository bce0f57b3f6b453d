package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.models.stats.BernoulliCusumDesign;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The canary's disagreement CUSUM against the paths of monitoring/make_canary_expected.py: S after
 * every study, alarm exactly while S ≥ h, quiet over an in-control stretch, and the counts named in
 * the reason that goes into the audit record.
 */
class CanaryDisagreementTest {

    private static final JsonNode ROOT = load();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in-control-only", "shift-after-300", "higher-rate-shift"})
    void statisticAndLevelFollowTheScriptAfterEveryStudy(String name) {
        JsonNode c = find(name);
        double p0 = c.get("p0").asDouble();
        double h = new CanaryDisagreement(p0, ROOT.get("arl").asDouble()).threshold().threshold();
        List<CanaryDisagreement.Pair> pairs = pairs(c);
        for (int n = 1; n <= pairs.size(); n++) {
            DriftSignal signal = CanaryDisagreement.signal(pairs.subList(0, n), p0, h);
            double expected = c.get("path").get(n - 1).asDouble();
            Expected.close(expected, signal.statistic(), 1e-9, name + " S after study " + n);
            assertEquals(expected >= h ? "alarm" : "ok", signal.level(), name + " level after study " + n + ", h " + h);
        }
        DriftSignal last = new CanaryDisagreement(p0, ROOT.get("arl").asDouble()).signal(pairs);
        assertEquals(c.get("disagreements").asLong(), last.events());
        assertEquals(pairs.size(), last.count());
        assertEquals(p0, last.referenceRate());
        Expected.close(h, last.alarmLimits().upper(), 1e-12, "h is the alarm limit");
    }

    @Test
    void inControlStretchesNeverAlarmAndShiftsDo() {
        for (String name : List.of("in-control-only", "shift-after-300", "higher-rate-shift")) {
            JsonNode c = find(name);
            CanaryDisagreement chart = new CanaryDisagreement(c.get("p0").asDouble(), ROOT.get("arl").asDouble());
            List<CanaryDisagreement.Pair> inControl = pairs(c).subList(0, c.get("inControl").asInt());
            for (int n = 1; n <= inControl.size(); n++) {
                assertEquals("ok", chart.signal(inControl.subList(0, n)).level(), name + " in control, study " + n);
            }
        }
        DriftSignal shifted = new CanaryDisagreement(0.05, 1000).signal(pairs(find("shift-after-300")));
        assertEquals("alarm", shifted.level());
        assertTrue(shifted.reason().startsWith("disagreement CUSUM S = 13.83 reached h = "), shifted.reason());
        assertTrue(shifted.reason().contains("disagree about critical on 44 of 450 studies"), shifted.reason());
    }

    /** From S = 0 every disagreement adds ln 2, so ⌈h / ln 2⌉ of them in a row reach h, and one fewer does not. */
    @Test
    void aCanaryThatDisagreesOnEveryStudyAlarmsAfterCeilHOverLn2Studies() {
        CanaryDisagreement chart = new CanaryDisagreement(0.05, 1000);
        BernoulliCusumDesign.Threshold design = chart.threshold();
        int needed = (int) Math.ceil(design.threshold() / Math.log(2));
        List<CanaryDisagreement.Pair> disagreeing = Collections.nCopies(needed, new CanaryDisagreement.Pair(true, false));
        assertEquals("ok", chart.signal(disagreeing.subList(0, needed - 1)).level());
        assertEquals("alarm", chart.signal(disagreeing).level());
        assertTrue(design.inControlArl() >= 1000, "designed ARL0 " + design.inControlArl());
        System.out.printf("canary disagreement CUSUM p0 0.05 -> 0.10, ARL0 1000: h = %.4f (simulated ARL0 %.0f ± %.0f),"
                + " %d disagreements in a row from S = 0%n", design.threshold(), design.inControlArl(), design.standardError(),
                needed);
    }

    @Test
    void agreementKeepsTheChartAtZeroAndNoPairsIsNotTested() {
        CanaryDisagreement chart = new CanaryDisagreement(0.05, 1000);
        DriftSignal agreeing = chart.signal(Collections.nCopies(300, new CanaryDisagreement.Pair(true, true)));
        assertEquals(0.0, agreeing.statistic());
        assertEquals("ok", agreeing.level());
        assertEquals(0L, agreeing.events());
        DriftSignal none = chart.signal(List.of());
        assertFalse(none.tested());
        assertEquals("ok", none.level());
        assertNull(none.rate());
        assertTrue(none.reason().contains("no study scored by both"), none.reason());
    }

    @Test
    void ratesWhoseDoubleIsNoRateAreRefusedNamingTheSetting() {
        for (double p0 : new double[] {0, -0.1, 0.5, 0.9, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CanaryDisagreement(p0, 1000));
            assertTrue(e.getMessage().contains("TRIAGE_ROLLOUT_CANARY_DISAGREEMENT_RATE"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new CanaryDisagreement(0.05, 1));
    }

    private static List<CanaryDisagreement.Pair> pairs(JsonNode c) {
        List<CanaryDisagreement.Pair> pairs = new ArrayList<>();
        c.get("pairs").forEach(p -> pairs.add(new CanaryDisagreement.Pair(p.get(0).asInt() == 1, p.get(1).asInt() == 1)));
        return pairs;
    }

    private static JsonNode find(String name) {
        for (JsonNode c : ROOT.get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no case " + name + " in canary_expected.json");
    }

    private static JsonNode load() {
        try (InputStream in = CanaryDisagreementTest.class.getResourceAsStream("/monitoring/canary_expected.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("monitoring/canary_expected.json: run make_canary_expected.py", e);
        }
    }
}
