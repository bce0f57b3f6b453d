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
     * probability (m - x) / (m + n - x - y) and to y + 1 otherwise. Let Q(x, y) be the probability
     * of reaching (x, y) without leaving the band |(n/g) x - (m/g) y| < h (g = gcd(m, n)). On the
     * anti-diagonal x + y = s every cell is reached from diagonal s - 1 with the same denominator:
     * Q(x, s - x) = (Q(x-1, ·)(m - x + 1) + Q(x, ·)(n - s + x + 1)) / (m + n - s + 1), so the cells of
     * one diagonal do not depend on each other and the loop runs at full speed. The p-value is the
     * sum of the flows out of the band: positive terms, so a p-value of 1e-40 keeps its relative
     * accuracy (1 - Q(m, n) would not). Cost: about 2 D m n cell updates.
     */
    private static double outsideBand(int m, int n, long h) {
        long g = gcd(m, n);
        long mg = m / g;
        long ng = n / g;
        if (h >= mg * n) {
            return 2 * inverseBinomial(m, n);
        }
        double[] reach = new double[m + 2];
        reach[0] = 1;
        double outside = 0;
        int low = 0;
        int high = 0;
        for (int s = 0; s < m + n; s++) {
            int nextLow = (int) Math.max(Math.max(0, s + 1 - n), Math.floorDiv(mg * (s + 1) - h, mg + ng) + 1);
            int nextHigh = (int) Math.min(Math.min(m, s + 1), Math.floorDiv(mg * (s + 1) + h - 1, mg + ng));
            double stepShare = 1.0 / (m + n - s);
            if (nextLow > nextHigh) {
                for (int x = low; x <= high; x++) {
                    outside += reach[x];
                }
                return Math.min(1, outside);
            }
            int lastLeaving = Math.min(high, nextLow - 1);
            for (int x = low; x <= lastLeaving; x++) {
                double right = x + 1 < nextLow ? m - x : 0;
                outside += reach[x] * (n - s + x + right) * stepShare;
            }
            if (nextHigh == high && high > lastLeaving) {
                outside += reach[high] * (m - high) * stepShare;
            }
            for (int x = nextHigh; x >= nextLow; x--) {
                double fromLeft = x > 0 ? reach[x - 1] * (m - x + 1) : 0;
                reach[x] = (fromLeft + reach[x] * (n - s + x)) * stepShare;
            }
            for (int x = low; x < nextLow; x++) {
                reach[x] = 0;
            }
            low = nextLow;
            high = nextHigh;
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
