package org.cxrtriage.models.stats;

/**
 * The exact null distribution of the two-sample Kolmogorov-Smirnov statistic D for samples of
 * sizes m and n from one continuous distribution (no ties): every ordering of the m + n values is
 * equally likely, so P(D ≥ d) is the share of monotone lattice paths from (0, 0) to (m, n) that
 * touch |x/m - y/n| ≥ d (Hodges 1958, "The significance probability of the Smirnov two-sample
 * test", Ark. Mat. 3). The statistic is always a multiple of 1/lcm(m, n), so it is passed as the
 * integer h = D · lcm(m, n). With ties in the data the same value is used, as scipy does; it is
 * then conservative.
 */
final class SmirnovDistribution {

    private SmirnovDistribution() {
    }

    /** P(D ≥ h / lcm(m, n)) for m, n ≥ 1 and h ≥ 0. */
    static double sf(int m, int n, long h) {
        if (m < 1 || n < 1) {
            throw new IllegalArgumentException("sample sizes must be >= 1, got " + m + " and " + n);
        }
        if (h <= 0) {
            return 1;
        }
        return m == n ? equalSizes(n, h) : outsideBand(Math.max(m, n), Math.min(m, n), h);
    }

    /**
     * m = n: by reflection, P(D ≥ h/n) = 2 Σ_{k ≥ 1} (-1)^(k+1) C(2n, n - kh) / C(2n, n). Each ratio
     * is the product Π_{j < kh} (n - j) / (n + j + 1), extended from the previous one; the terms
     * decrease, so the alternating sum loses no more than a rounding of its first term.
     */
    private static double equalSizes(int n, long h) {
        double sum = 0;
        double ratio = 1;
        long j = 0;
        for (long k = 1; k * h <= n && ratio > 0; k++) {
            for (; j < k * h; j++) {
                ratio *= (double) (n - j) / (n + j + 1);
            }
            sum += k % 2 == 1 ? ratio : -ratio;
        }
        return Math.max(0, Math.min(1, 2 * sum));
    }

    /**
     * m ≠ n: a path drawn uniformly is a Markov chain that, at (x, y), steps to x + 1 with
     * probability (m - x) / (m - x + n - y) and to y + 1 otherwise. With Q(x, y) the probability of
     * reaching (x, y) without leaving the band |(n/g) x - (m/g) y| < h (g = gcd(m, n)),
     * Q(x, y) = (Q(x-1, y)(m - x + 1) + Q(x, y-1)(n - y + 1)) / (m + n - x - y + 1) inside the band.
     * The p-value is the sum of the flows out of the band: positive terms, so a p-value of 1e-40
     * keeps its relative accuracy (1 - Q(m, n) would not). One column of the band is kept.
     */
    private static double outsideBand(int m, int n, long h) {
        long g = gcd(m, n);
        long mg = m / g;
        long ng = n / g;
        if (h >= mg * n) {
            return 2 * inverseBinomial(m, n);
        }
        double[] inverse = new double[m + n + 2];
        for (int i = 1; i < inverse.length; i++) {
            inverse[i] = 1.0 / i;
        }
        double[] reach = new double[n + 1];
        double outside = 0;
        int previousLow = 0;
        int previousHigh = -1;
        for (int x = 0; x <= m; x++) {
            int low = (int) Math.max(0, Math.floorDiv(ng * x - h, mg) + 1);
            int high = (int) Math.min(n, Math.floorDiv(ng * x + h - 1, mg));
            for (int y = previousLow; y <= Math.min(previousHigh, low - 1); y++) {
                outside += reach[y] * (m - x + 1) * inverse[m + n - x - y + 1];
                reach[y] = 0;
            }
            if (low > high) {
                return Math.min(1, outside);
            }
            double below = 0;
            for (int y = low; y <= high; y++) {
                below = x == 0 && y == 0 ? 1
                        : (reach[y] * (m - x + 1) + below * (n - y + 1)) * inverse[m + n - x - y + 1];
                reach[y] = below;
            }
            if (high < n) {
                outside += reach[high] * (n - high) * inverse[m + n - x - high];
            }
            previousLow = low;
            previousHigh = high;
        }
        return Math.min(1, outside);
    }

    /** 1 / C(m + n, n) = Π_{i ≤ n} i / (m + i); underflows to 0 rather than overflowing. */
    private static double inverseBinomial(int m, int n) {
        double product = 1;
        for (int i = 1; i <= n && product > 0; i++) {
            product *= (double) i / (m + i);
        }
        return product;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long r = a % b;
            a = b;
            b = r;
        }
        return a;
    }
}
