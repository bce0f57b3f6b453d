package org.cxrtriage.app.monitoring;

import org.cxrtriage.models.stats.WilsonInterval;

/**
 * events of count, with the rate and its Wilson 95 % interval; rate and bounds are null when count is 0.
 */
public record Proportion(long events, long count, Double rate, Double lower, Double upper) {

    public static Proportion of(long events, long count) {
        if (count == 0) {
            return new Proportion(0, 0, null, null, null);
        }
        WilsonInterval interval = WilsonInterval.of(events, count);
        return new Proportion(events, count, (double) events / count, interval.lower(), interval.upper());
    }
}
