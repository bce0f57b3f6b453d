package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/**
 * One evaluation of population monitoring: the status and the reasons for it, the window, every
 * signal with its statistic, p-value or limits and counts, performance from feedback and the
 * subgroup table. Stored as JSON in the shared status row, so every node serves the same one.
 * Counts and statistics only: nothing here identifies a patient. Times are ISO-8601 UTC.
 *
 * @param comparisons how many drift tests shared the family-wise alpha (Bonferroni)
 * @param millis      how long the evaluation took on the node that made it
 */
public record Evaluation(String status, List<String> reasons, String evaluatedAt, long millis, Window window, Model model,
                         int comparisons, Thresholds thresholds, List<DriftSignal> signals,
                         FeedbackPerformance.Performance performance, List<Subgroups.Row> subgroups, long newestResultId,
                         long newestFeedbackId) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The window of studies judged.
     *
     * @param studies        current results in the window
     * @param scored         of which scored by the model version judged
     * @param notScored      of which not scored, and by reason
     * @param otherModels    scored by another model version (not compared with this profile)
     * @param baselineStudies results in the baseline period before the window
     */
    public record Window(String from, String to, long studies, long scored, long notScored, Map<String, Long> notScoredByReason,
                         long otherModels, String baselineFrom, String baselineTo, long baselineStudies, String feedbackFrom,
                         int minStudies) {
    }

    /** The model version judged and the reference profile it is compared with. */
    public record Model(String id, String version, String profileVersion, Integer profileStudies) {
    }

    public MonitorStatus level() {
        return MonitorStatus.of(status);
    }

    /** The names of the signals at alarm level: what an acknowledgement covers. */
    public List<String> alarmSignals() {
        return signals.stream().filter(s -> s.status() == MonitorStatus.ALARM).map(DriftSignal::name).toList();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an evaluation is made of records, lists and numbers and always encodes", e);
        }
    }

    public static Evaluation fromJson(String json) {
        try {
            return JSON.readValue(json, Evaluation.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored evaluation does not read as one: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectMapper json() {
        return JSON;
    }
}
