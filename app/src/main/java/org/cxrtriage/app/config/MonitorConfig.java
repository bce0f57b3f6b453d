package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import java.time.Duration;

/**
 * Population monitoring ({@code triage.monitor.*}, README "Monitoring").
 *
 * @param window            the rolling window of recent studies compared with the reference (TRIAGE_MONITOR_WINDOW)
 * @param minStudies        fewer scored studies than this in the window: the window reaches further back
 *                          to the latest this many; with fewer in all, nothing is tested (TRIAGE_MONITOR_MIN_STUDIES)
 * @param maxStudies        at most this many of the newest studies in the window, to bound the cost (TRIAGE_MONITOR_MAX_STUDIES)
 * @param baseline          the site's own earlier period before the window, the reference of what the model's
 *                          reference profile cannot know: patient age, calling AE title, the not-scored rate
 *                          (TRIAGE_MONITOR_BASELINE)
 * @param stopRule          {@code warn}: an alarm is shown and audited; {@code suspend}: while an unacknowledged alarm
 *                          stands the AI raises no priority (TRIAGE_MONITOR_STOP_RULE)
 * @param interval          re-evaluation without new results (TRIAGE_MONITOR_INTERVAL)
 * @param poll              how often each node looks for new results and the shared status (TRIAGE_MONITOR_POLL)
 * @param warningAlpha      family-wise false-warning probability per evaluation, Bonferroni-divided over the tests
 *                          (TRIAGE_MONITOR_WARNING_ALPHA)
 * @param alarmAlpha        the same for alarms (TRIAGE_MONITOR_ALARM_ALPHA)
 * @param minEffect         effect-size floor of a drift warning (KS D, total variation distance); an alarm needs twice
 *                          it, a positive rate half and once it (TRIAGE_MONITOR_MIN_EFFECT)
 * @param unreliableWarning warning when the unreliable rate is above this with 95 % confidence (TRIAGE_MONITOR_UNRELIABLE_WARNING)
 * @param unreliableAlarm   alarm when it is above this with 95 % confidence (TRIAGE_MONITOR_UNRELIABLE_ALARM)
 * @param disagreementRate  the in-control rate of radiologist disagreement; the CUSUM watches for a doubling
 *                          (TRIAGE_MONITOR_DISAGREEMENT_RATE)
 * @param cusumArl          the CUSUM's in-control average run length: feedbacks between false warnings (TRIAGE_MONITOR_CUSUM_ARL)
 * @param feedbackWindow    radiologists' feedback of this period is summarised (TRIAGE_MONITOR_FEEDBACK_WINDOW)
 */
@ConfigurationProperties("triage.monitor")
public record MonitorConfig(
        @Bindable(defaultValue = "7d") Duration window,
        @Bindable(defaultValue = "50") @Min(5) int minStudies,
        @Bindable(defaultValue = "20000") @Min(10) int maxStudies,
        @Bindable(defaultValue = "28d") Duration baseline,
        @Bindable(defaultValue = "warn") @Pattern(regexp = "warn|suspend",
                message = "TRIAGE_MONITOR_STOP_RULE must be warn or suspend") String stopRule,
        @Bindable(defaultValue = "1m") Duration interval,
        @Bindable(defaultValue = "3s") Duration poll,
        @Bindable(defaultValue = "0.01") @DecimalMin("0.000001") @DecimalMax("0.5") double warningAlpha,
        @Bindable(defaultValue = "0.001") @DecimalMin("0.000001") @DecimalMax("0.5") double alarmAlpha,
        @Bindable(defaultValue = "0.1") @DecimalMin("0") @DecimalMax("0.5") double minEffect,
        @Bindable(defaultValue = "0.05") @DecimalMin("0") @DecimalMax("1") double unreliableWarning,
        @Bindable(defaultValue = "0.20") @DecimalMin("0") @DecimalMax("1") double unreliableAlarm,
        @Bindable(defaultValue = "0.15") @DecimalMin("0.001") @DecimalMax("0.45") double disagreementRate,
        @Bindable(defaultValue = "1000") @DecimalMin("10") double cusumArl,
        @Bindable(defaultValue = "90d") Duration feedbackWindow) {

    /** Whether an unacknowledged alarm suspends AI triage. */
    public boolean suspends() {
        return "suspend".equals(stopRule);
    }
}
