package org.cxrtriage.models.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Pearson's chi-square test of homogeneity for a 2 × k table: the window's category counts against
 * the reference's, as scipy.stats.chi2_contingency(table, correction=False) on the same table.
 *
 * <p>The columns are the union of the categories of both maps, in their natural (sorted) order; a
 * category missing from one map counts 0 there. A category with 0 in both carries no information
 * and is left out (scipy would refuse the table for its zero expected count). Expected counts are
 * row total × column total / grand total. With {@code minExpected} > 0, every category whose smaller
 * expected count is below it is merged into one column named {@link #POOLED}; that column may
 * itself still be below the minimum, and is then tested as it is.
 */
public final class ChiSquare {

    /** The name of the column that holds the pooled sparse categories. */
    public static final String POOLED = "(pooled)";

    private ChiSquare() {
    }

    /** The test on all categories as they are. */
    public static ChiSquareResult homogeneity(Map<String, Long> window, Map<String, Long> reference) {
        return homogeneity(window, reference, 0);
    }

    /**
     * The test after pooling categories with an expected count below {@code minExpected} (5 is the
     * usual rule; 0 pools nothing). Counts must be ≥ 0 and each map must have a positive total.
     */
    public static ChiSquareResult homogeneity(Map<String, Long> window, Map<String, Long> reference,
            double minExpected) {
        if (!(minExpected >= 0)) {
            throw new IllegalArgumentException("minimum expected count must be >= 0, got " + minExpected);
        }
        long windowTotal = total("window", window);
        long referenceTotal = total("reference", reference);
        double grandTotal = (double) windowTotal + referenceTotal;
        double smallerRow = Math.min(windowTotal, referenceTotal);
        TreeSet<String> union = new TreeSet<>(window.keySet());
        union.addAll(reference.keySet());
        List<String> categories = new ArrayList<>();
        List<long[]> columns = new ArrayList<>();
        List<String> pooled = new ArrayList<>();
        long[] pooledColumn = new long[2];
        for (String category : union) {
            long[] column = {window.getOrDefault(category, 0L), reference.getOrDefault(category, 0L)};
            long columnTotal = column[0] + column[1];
            if (columnTotal == 0) {
                continue;
            }
            if (smallerRow * columnTotal / grandTotal < minExpected) {
                pooled.add(category);
                pooledColumn[0] += column[0];
                pooledColumn[1] += column[1];
            } else {
                categories.add(category);
                columns.add(column);
            }
        }
        if (!pooled.isEmpty()) {
            categories.add(POOLED);
            columns.add(pooledColumn);
        }
        double statistic = 0;
        double[] rowTotals = {windowTotal, referenceTotal};
        for (long[] column : columns) {
            double columnTotal = (double) column[0] + column[1];
            for (int row = 0; row < 2; row++) {
                double expected = rowTotals[row] * columnTotal / grandTotal;
                double difference = column[row] - expected;
                statistic += difference * difference / expected;
            }
        }
        int dof = columns.size() - 1;
        if (dof == 0) {
            return new ChiSquareResult(0, 0, 1, categories, pooled);
        }
        double pValue = SpecialFunctions.regularizedGammaQ(dof / 2.0, statistic / 2);
        return new ChiSquareResult(statistic, dof, pValue, categories, pooled);
    }

    private static long total(String name, Map<String, Long> counts) {
        long total = 0;
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null || entry.getValue() < 0) {
                throw new IllegalArgumentException("the " + name + " counts must map category names to counts >= 0, got "
                        + entry.getKey() + "=" + entry.getValue());
            }
            total = Math.addExact(total, entry.getValue());
        }
        if (total == 0) {
            throw new IllegalArgumentException("the " + name + " has no observations: nothing to compare");
        }
        return total;
    }
}
