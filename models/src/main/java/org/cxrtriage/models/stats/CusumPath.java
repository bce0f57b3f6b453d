package org.cxrtriage.models.stats;

/**
 * The CUSUM values after each observation of one batch.
 *
 * @param startIndex  index (0-based, over the chart's life) of the batch's first observation
 * @param values      S_t after each observation of the batch, ≥ 0; values[i] belongs to
 *                    observation startIndex + i
 * @param firstSignal index (0-based, over the chart's life) of the first observation at which
 *                    S_t ≥ h, if it falls in this batch or earlier; -1 if the chart has not signalled
 */
public record CusumPath(long startIndex, double[] values, long firstSignal) {

    /** Whether the chart had signalled by the end of this batch. */
    public boolean signalled() {
        return firstSignal >= 0;
    }
}
