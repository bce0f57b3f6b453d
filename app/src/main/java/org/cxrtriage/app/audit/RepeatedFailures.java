package org.cxrtriage.app.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one network address from flooding the audit log with refusals: each address gets
 * {@code recordedPerWindow} refusal records per {@code window}; further refusals in the window
 * are counted and written as one summary record when the window closes. Nothing is lost: every
 * refusal is either its own record or counted in a summary. Per node, in memory.
 */
final class RepeatedFailures {

    private final int recordedPerWindow;
    private final Duration window;

    RepeatedFailures(int recordedPerWindow, Duration window) {
        this.recordedPerWindow = recordedPerWindow;
        this.window = window;
    }

    /** Refusals from one address that were counted rather than recorded. */
    record Summary(String source, Instant from, Instant to, long count, List<String> actions) {
    }

    private final class Window {
        final Instant start;
        int recorded;
        long suppressed;
        final List<String> actions = new ArrayList<>();

        Window(Instant start) {
            this.start = start;
        }

        boolean closedAt(Instant now) {
            return !now.isBefore(start.plus(window));
        }
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** True when this refusal gets a record of its own; false when it was counted for the summary. */
    boolean record(String source, String action, Instant now) {
        boolean[] own = new boolean[1];
        windows.compute(source == null ? "unknown" : source, (key, window) -> {
            Window current = window == null || window.closedAt(now) && window.suppressed == 0 ? new Window(now) : window;
            if (current.recorded < recordedPerWindow) {
                current.recorded++;
                own[0] = true;
            } else {
                current.suppressed++;
                if (!current.actions.contains(action) && current.actions.size() < 10) {
                    current.actions.add(action);
                }
            }
            return current;
        });
        return own[0];
    }

    /** Removes and returns the summaries of windows that have closed. */
    List<Summary> closed(Instant now) {
        List<Summary> summaries = new ArrayList<>();
        for (String source : List.copyOf(windows.keySet())) {
            windows.computeIfPresent(source, (key, window) -> {
                if (!window.closedAt(now)) {
                    return window;
                }
                if (window.suppressed > 0) {
                    summaries.add(new Summary(key, window.start, now, window.suppressed, List.copyOf(window.actions)));
                }
                return null;
            });
        }
        return summaries;
    }
}
