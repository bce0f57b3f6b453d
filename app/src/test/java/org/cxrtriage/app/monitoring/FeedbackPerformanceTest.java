package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import org.cxrtriage.models.stats.BernoulliCusumDesign;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Performance from feedback against make_expected.py: per finding the agreement rate, PPV among
 * reviewed positives and the rate of disagreed negatives with their Wilson intervals, and the
 * disagreement CUSUM, quiet while disagreement stays in control and warning once it rises.
 */
class FeedbackPerformanceTest {

    private static final JsonNode FEEDBACK = Expected.ROOT.get("feedback");

    static List<FeedbackRow> rows(int count) {
        List<FeedbackRow> rows = new ArrayList<>();
        long id = 1;
        for (JsonNode r : FEEDBACK.get("rows")) {
            if (rows.size() == count) {
                break;
            }
            rows.add(new FeedbackRow(id, 1000 + id, Expected.T0.plusSeconds(id), r.get("agree").asBoolean(),
                    r.get("reason").isNull() ? null : r.get("reason").asText(), r.get("finding").asText(), r.get("positive").asBoolean(),
                    r.get("probability").asDouble(), "PACS", 50, "F", "ACME", "PA"));
            id++;
        }
        return rows;
    }

    @Test
    void agreementPpvAndMissedRatesMatchWithWilsonIntervals() {
        FeedbackPerformance.Performance performance = FeedbackPerformance.of(rows(Integer.MAX_VALUE), Expected.findings(),
                FEEDBACK.get("p0").asDouble(), FEEDBACK.get("arl").asDouble());
        assertEquals(FEEDBACK.get("rows").size(), performance.feedbacks());
        for (FeedbackPerformance.FindingPerformance finding : performance.findings()) {
            JsonNode e = FEEDBACK.get("expected").get(finding.finding());
            proportion(e.get("agreement"), finding.agreement(), finding.finding() + " agreement");
            proportion(e.get("ppv"), finding.positivePredictiveValue(), finding.finding() + " PPV");
            proportion(e.get("disagreedNegatives"), finding.disagreedNegatives(), finding.finding() + " disagreed negatives");
        }
        long disagreements = performance.disagreementReasons().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(performance.feedbacks() - performance.agreement().events(), disagreements, "every disagreement counted by reason");
    }

    @Test
    void cusumStaysQuietInControlAndWarnsOnceDisagreementRises() {
        double p0 = FEEDBACK.get("p0").asDouble();
        double h = BernoulliCusumDesign.forInControlArl(p0, 2 * p0, FEEDBACK.get("arl").asDouble(), 2500, 20261201L).threshold();
        int inControl = FEEDBACK.get("inControlRows").asInt();
        assertTrue(FEEDBACK.get("inControlMax").asDouble() < h, "the script's in-control part never reaches h");
        DriftSignal quiet = FeedbackPerformance.cusum(rows(inControl), p0, FEEDBACK.get("arl").asDouble());
        assertEquals("ok", quiet.level(), quiet.reason());

        DriftSignal risen = FeedbackPerformance.cusum(rows(Integer.MAX_VALUE), p0, FEEDBACK.get("arl").asDouble());
        Expected.close(FEEDBACK.get("cusumEnd").asDouble(), risen.statistic(), 1e-9, "S after the last feedback");
        assertEquals("warning", risen.level(), "S " + risen.statistic() + " against h " + h);
        Expected.close(h, risen.warningLimits().upper(), 1e-12, "h");
        assertTrue(risen.reason().contains("disagreement rose"), risen.reason());
    }

    private static void proportion(JsonNode expected, Proportion actual, String what) {
        assertEquals(expected.get(0).asLong(), actual.events(), what + " events");
        assertEquals(expected.get(1).asLong(), actual.count(), what + " count");
        Expected.close(expected.get(2).asDouble(), actual.lower(), 1e-12, what + " lower");
        Expected.close(expected.get(3).asDouble(), actual.upper(), 1e-12, what + " upper");
    }
}
