package org.cxrtriage.app.monitoring;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Calibration on reviewed cases and the pairing of alarms with what was done, computed by hand. */
class ReliabilityDiagramTest {

    private static long ids;

    /** A reviewed finding: the model's probability and positivity, and whether the radiologist agreed. */
    private static FeedbackRow reviewed(double probability, boolean positive, boolean agree) {
        ids++;
        return new FeedbackRow(ids, ids, Instant.EPOCH, agree, null, "nodule", positive, probability, "PACS", 60, "F", "ACME", "PA");
    }

    @Test
    void binsReviewedFindingsByProbabilityWithFeedbackAsTheTruth() {
        List<FeedbackRow> rows = List.of(
                reviewed(0.05, false, true),    // absent
                reviewed(0.15, false, false),   // present: a missed finding
                reviewed(0.10, false, true),    // absent, on the bin edge: second bin
                reviewed(0.85, true, true),     // present
                reviewed(0.95, true, false),    // absent: a false positive
                reviewed(1.00, true, true));    // present, in the last bin
        ReliabilityDiagram diagram = ReliabilityDiagram.of(rows, 10);

        assertEquals(10, diagram.bins().size());
        ReliabilityDiagram.Bin first = diagram.bins().get(0);
        assertEquals(0.05, first.meanPredicted(), 1e-12);
        assertEquals(0, first.observed().events());
        assertEquals(1, first.observed().count());
        ReliabilityDiagram.Bin second = diagram.bins().get(1);
        assertEquals(0.125, second.meanPredicted(), 1e-12);
        assertEquals(1, second.observed().events());
        assertEquals(2, second.observed().count());
        assertNull(diagram.bins().get(5).meanPredicted(), "an empty bin has no mean");
        assertEquals(0, diagram.bins().get(5).observed().count());
        ReliabilityDiagram.Bin eighth = diagram.bins().get(8);
        assertEquals(0.85, eighth.meanPredicted(), 1e-12);
        ReliabilityDiagram.Bin last = diagram.bins().get(9);
        assertEquals(0.975, last.meanPredicted(), 1e-12);
        assertEquals(1, last.observed().events());
        assertEquals(2, last.observed().count());
        // |0 - 0.05|·1 + |0.5 - 0.125|·2 + |1 - 0.85|·1 + |0.5 - 0.975|·2, over 6
        assertEquals((0.05 + 0.75 + 0.15 + 0.95) / 6, diagram.expectedCalibrationError(), 1e-12);
    }

    @Test
    void noFeedbackGivesEmptyBinsAndNoError() {
        ReliabilityDiagram diagram = ReliabilityDiagram.of(List.of(), 4);
        assertEquals(4, diagram.bins().size());
        assertNull(diagram.expectedCalibrationError());
        assertThrows(IllegalArgumentException.class, () -> ReliabilityDiagram.of(List.of(), 0));
    }

    @Test
    void eachAlarmKeepsWhatWasDoneUntilItEnds() {
        MonitoringHistory.Event raised = new MonitoringHistory.Event("2026-11-03T10:00:00Z", "status", "ok", "alarm", "node-a", "unreliable rate");
        MonitoringHistory.Event suspended = new MonitoringHistory.Event("2026-11-03T10:00:00Z", "suspended", "alarm", "alarm", "node-a", "x");
        MonitoringHistory.Event acknowledged = new MonitoringHistory.Event("2026-11-03T11:00:00Z", "acknowledged", "alarm", "alarm", "admin",
                "checked the scanner");
        MonitoringHistory.Event cleared = new MonitoringHistory.Event("2026-11-04T09:00:00Z", "status", "alarm", "ok", "node-b", "clear");
        MonitoringHistory.Event again = new MonitoringHistory.Event("2026-11-20T09:00:00Z", "status", "warning", "alarm", "node-b", "KS");

        List<PeriodReport.Alarm> alarms = PeriodReport.alarms("ok", Instant.parse("2026-11-01T00:00:00Z"),
                List.of(raised, suspended, acknowledged, cleared, again));
        assertEquals(2, alarms.size());
        assertEquals(new PeriodReport.Alarm(raised.at(), "unreliable rate", List.of(suspended, acknowledged), cleared.at()), alarms.get(0));
        assertEquals(new PeriodReport.Alarm(again.at(), "KS", List.of(), null), alarms.get(1));

        List<PeriodReport.Alarm> standing = PeriodReport.alarms("alarm", Instant.parse("2026-11-01T00:00:00Z"), List.of(cleared));
        assertEquals(List.of(new PeriodReport.Alarm("before 2026-11-01T00:00:00Z", "standing when the period began", List.of(),
                cleared.at())), standing);
    }
}
