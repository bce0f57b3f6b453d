package org.cxrtriage.models.reliability;

import java.util.List;

/**
 * Whether one study's score can be trusted.
 *
 * @param reliable false when any non-advisory signal fired
 * @param reason   empty when reliable; otherwise a short sentence for the worklist
 * @param score    the largest normalised value of the non-advisory signals (1.0 = at its threshold)
 * @param signals  every check that ran, fired or not
 */
public record Verdict(boolean reliable, String reason, double score, List<Signal> signals) {

    public Verdict {
        signals = List.copyOf(signals);
    }
}
