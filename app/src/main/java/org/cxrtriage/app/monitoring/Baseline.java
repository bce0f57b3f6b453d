package org.cxrtriage.app.monitoring;

import java.time.Instant;
import java.util.Map;

/**
 * This site's own period before the window, the reference for what a model's reference profile
 * cannot know: patients' ages, the calling AE titles of this site's senders, and how often studies
 * could not be scored. Counts only.
 *
 * @param studies   current results in the period
 * @param notScored of which not scored
 * @param ages      scored studies by patient age in years
 * @param callers   scored studies by calling AE title ("(none)" when unknown)
 */
public record Baseline(Instant from, Instant to, long studies, long notScored, Map<Integer, Long> ages,
                       Map<String, Long> callers) {

    public Baseline {
        ages = Map.copyOf(ages);
        callers = Map.copyOf(callers);
    }

    public static Baseline empty(Instant from, Instant to) {
        return new Baseline(from, to, 0, 0, Map.of(), Map.of());
    }
}
