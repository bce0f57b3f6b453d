package org.cxrtriage.app.monitoring;

import org.cxrtriage.models.stats.WilsonInterval;

import java.util.List;
import java.util.Locale;

/**
 * The share of scored studies the reliability verdict refused: the first-class signal that the
 * images are not what the model knows. It warns (alarms) when the rate's Wilson 95 % lower bound is
 * above the warning (alarm) threshold, so a few refusals in a small window stay quiet.
 */
final class UnreliableRate {

    static final String NAME = "unreliableRate";

    private UnreliableRate() {
    }

    static DriftSignal signal(List<MonitoredStudy> scored, Thresholds thresholds) {
        long judged = scored.stream().filter(s -> s.reliable() != null).count();
        long unreliable = scored.stream().filter(s -> Boolean.FALSE.equals(s.reliable())).count();
        if (scored.size() < thresholds.minStudies() || judged == 0) {
            return DriftSignal.notTested(NAME, "rate", "threshold", judged, scored.size() + " scored studies in the window, "
                    + thresholds.minStudies() + " needed");
        }
        WilsonInterval interval = WilsonInterval.of(unreliable, judged);
        double rate = (double) unreliable / judged;
        MonitorStatus level = interval.lower() > thresholds.unreliableAlarm() ? MonitorStatus.ALARM
                : interval.lower() > thresholds.unreliableWarning() ? MonitorStatus.WARNING : MonitorStatus.OK;
        String reason = level == MonitorStatus.OK ? null : String.format(Locale.ROOT,
                "unreliable rate %.3f (%d of %d; 95%% CI %.3f-%.3f) above the %s threshold %.2f", rate, unreliable, judged,
                interval.lower(), interval.upper(), level.code(),
                level == MonitorStatus.ALARM ? thresholds.unreliableAlarm() : thresholds.unreliableWarning());
        return new DriftSignal(NAME, "rate", "threshold", level.code(), true, rate, null, rate, judged, null, unreliable, rate,
                null, new DriftSignal.Range(interval.lower(), interval.upper()),
                new DriftSignal.Range(0, thresholds.unreliableWarning()), new DriftSignal.Range(0, thresholds.unreliableAlarm()),
                null, reason);
    }
}
