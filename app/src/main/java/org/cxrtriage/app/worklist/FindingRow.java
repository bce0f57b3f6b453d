package org.cxrtriage.app.worklist;

/**
 * One AI finding of one model run.
 *
 * @param probability calibrated, in [0, 1]
 * @param threshold   the operating point, null when the model has none for this finding
 */
public record FindingRow(long id, long resultId, String key, String display, String codeSystem, String code,
                         double probability, Double threshold, boolean positive, boolean critical,
                         String calibrationVersion) {
}
