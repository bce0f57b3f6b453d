package org.cxrtriage.models.stats;

import java.util.List;

/**
 * A chi-square test of homogeneity between the window's and the reference's category counts.
 *
 * @param statistic        Pearson's X² = Σ (observed - expected)² / expected over both rows, ≥ 0
 * @param degreesOfFreedom number of categories tested minus one (0 when only one is left)
 * @param pValue           P(χ²(dof) ≥ statistic); 1 when dof is 0
 * @param categories       the columns tested, in order; {@link ChiSquare#POOLED} stands for the
 *                         pooled sparse categories
 * @param pooled           the categories merged into {@link ChiSquare#POOLED}, empty if none
 */
public record ChiSquareResult(double statistic, int degreesOfFreedom, double pValue, List<String> categories,
        List<String> pooled) {

    public ChiSquareResult {
        categories = List.copyOf(categories);
        pooled = List.copyOf(pooled);
    }
}
