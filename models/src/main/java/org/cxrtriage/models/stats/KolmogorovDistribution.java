package org.cxrtriage.models.stats;

/**
 * The distribution of the one-sample two-sided Kolmogorov-Smirnov statistic D_n for a sample of
 * size n from a continuous distribution: {@link #sf} = P(D_n ≥ x), as scipy.stats.kstwo.sf, which
 * scipy's ks_2samp uses (with n = round(n1 n2 / (n1 + n2))) for its asymptotic two-sample p-value.
 *
 * <p>The method is chosen by the rules of Simard and L'Ecuyer (2011), "Computing the two-sided
 * Kolmogorov-Smirnov distribution", J. Stat. Softw. 39(11), as scipy applies them: Ruben-Gambino
 * closed forms at the ends of the support, Durbin's matrix in the Marsaglia-Tsang-Wang form (2003)
 * where it is exact and cheap, twice the exact one-sided Smirnov tail in the upper tail, and the
 * Pelz-Good (1976) asymptotic series for large n and small x. Where scipy uses Pomeranz's recursion
 * (n ≤ 140) this class uses the Durbin matrix, which is also exact. Like scipy it returns 0 once
 * n x² ≥ 370 (n > 140), where the true value is below 1e-320. Cost: O(n) in the upper tail, a
 * (2⌈nx⌉ - 1)-square matrix power elsewhere, O(1) for Pelz-Good.
 */
final class KolmogorovDistribution {

    private KolmogorovDistribution() {
    }

    /** P(D_n ≥ x) for n ≥ 1; 1 for x ≤ 0, 0 for x ≥ 1. */
    static double sf(int n, double x) {
        if (n < 1) {
            throw new IllegalArgumentException("Kolmogorov distribution needs n >= 1, got " + n);
        }
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("Kolmogorov distribution at NaN");
        }
        if (x >= 1) {
            return 0;
        }
        if (x <= 0) {
            return 1;
        }
        double t = n * x;
        if (t <= 1) {
            return t <= 0.5 ? 1 : clip(1 - Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1)));
        }
        if (t >= n - 1) {
            return clip(2 * Math.pow(1 - x, n));
        }
        if (x >= 0.5) {
            return clip(2 * smirnovSf(n, x));
        }
        double nxSquared = t * x;
        if (n <= 140) {
            return clip(nxSquared <= 4 ? 1 - durbinCdf(n, x) : 2 * smirnovSf(n, x));
        }
        if (nxSquared >= 370) {
            return 0;
        }
        if (nxSquared >= 2.2) {
            return clip(2 * smirnovSf(n, x));
        }
        boolean durbinIsCheap = n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4;
        return clip(1 - (durbinIsCheap ? durbinCdf(n, x) : pelzGoodCdf(n, x)));
    }

    /**
     * The one-sided tail P(D_n⁺ ≥ x), 0 < x < 1, by the exact Birnbaum-Tingey sum
     * x Σ_{j ≤ n(1-x)} C(n, j) (1 - x - j/n)^(n-j) (x + j/n)^(j-1); each term is a binomial
     * probability Bin(j; n, x + j/n) / (x + j/n), summed without cancellation (as scipy.special.smirnov).
     */
    static double smirnovSf(int n, double x) {
        int last = (int) Math.floor(n * (1 - x));
        double sum = 0;
        for (int j = 0; j <= last; j++) {
            double u = x + (double) j / n;
            if (u >= 1) {
                break;
            }
            sum += BinomialDistribution.pmf(j, n, u) / u;
        }
        return x * sum;
    }

    /**
     * P(D_n < x) by Durbin's matrix: with x = (k - h)/n, k integer, 0 ≤ h < 1 and m = 2k - 1,
     * P = n!/n^n (H^n)[k-1][k-1] where H[i][j] = 1/(i-j+1)! for i ≥ j - 1, less h^(i+1)/(i+1)! in
     * the first column and h^(m-j)/(m-j)! in the last row, plus (2h-1)^m/m! in the corner if
     * 2h > 1. The power is taken by squaring with an exact power-of-two scale kept aside.
     */
    static double durbinCdf(int n, double x) {
        double nx = n * x;
        int k = (int) Math.ceil(nx);
        double h = k - nx;
        int m = 2 * k - 1;
        double[][] matrix = new double[m][m];
        double[] inverseFactorial = new double[m + 1];
        inverseFactorial[0] = 1;
        for (int i = 1; i <= m; i++) {
            inverseFactorial[i] = inverseFactorial[i - 1] / i;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= Math.min(i + 1, m - 1); j++) {
                matrix[i][j] = inverseFactorial[i - j + 1];
            }
        }
        for (int i = 0; i < m; i++) {
            matrix[i][0] -= Math.pow(h, i + 1) * inverseFactorial[i + 1];
            matrix[m - 1][i] -= Math.pow(h, m - i) * inverseFactorial[m - i];
        }
        if (2 * h - 1 > 0) {
            matrix[m - 1][0] += Math.pow(2 * h - 1, m) * inverseFactorial[m];
        }
        ScaledMatrix power = ScaledMatrix.identity(m);
        ScaledMatrix square = new ScaledMatrix(matrix, 0);
        for (int remaining = n; remaining > 0; remaining >>= 1) {
            if ((remaining & 1) == 1) {
                power = power.times(square);
            }
            if (remaining > 1) {
                square = square.times(square);
            }
        }
        double p = power.values[k - 1][k - 1];
        long exponent = power.exponent;
        for (int i = 1; i <= n; i++) {
            p = p * i / n;
            int e = Math.getExponent(p);
            if (e < -500) {
                p = Math.scalb(p, -e);
                exponent += e;
            }
        }
        return Math.scalb(p, (int) Math.max(-2100, Math.min(2100, exponent)));
    }

    /** A matrix times 2^exponent, rescaled after every product so that its largest entry is near 1. */
    private record ScaledMatrix(double[][] values, long exponent) {

        static ScaledMatrix identity(int size) {
            double[][] values = new double[size][size];
            for (int i = 0; i < size; i++) {
                values[i][i] = 1;
            }
            return new ScaledMatrix(values, 0);
        }

        ScaledMatrix times(ScaledMatrix other) {
            int size = values.length;
            double[][] product = new double[size][size];
            double largest = 0;
            for (int i = 0; i < size; i++) {
                for (int l = 0; l < size; l++) {
                    double left = values[i][l];
                    if (left != 0) {
                        for (int j = 0; j < size; j++) {
                            product[i][j] += left * other.values[l][j];
                        }
                    }
                }
                for (int j = 0; j < size; j++) {
                    largest = Math.max(largest, Math.abs(product[i][j]));
                }
            }
            int shift = largest == 0 ? 0 : Math.getExponent(largest);
            for (double[] row : product) {
                for (int j = 0; j < size; j++) {
                    row[j] = Math.scalb(row[j], -shift);
                }
            }
            return new ScaledMatrix(product, exponent + other.exponent + shift);
        }
    }

    /**
     * P(D_n ≤ x) ≈ K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^(3/2), z = x√n, Pelz and Good (1976) in the
     * theta-function form that converges fast for small z; sums over k = 1..⌈16z/π⌉.
     */
    static double pelzGoodCdf(int n, double x) {
        double z = Math.sqrt(n) * x;
        double z2 = z * z;
        double z4 = z2 * z2;
        double z6 = z4 * z2;
        double pi2 = Math.PI * Math.PI;
        double pi4 = pi2 * pi2;
        double pi6 = pi4 * pi2;
        if (-pi2 / (8 * z2) < -708) {
            return 0;
        }
        int terms = (int) Math.ceil(16 * z / Math.PI);
        double k0 = 0;
        double k1 = 0;
        double k2 = 0;
        double k3 = 0;
        double k2Extra = 0;
        double k3Extra = 0;
        for (int k = 1; k <= terms; k++) {
            double m2 = (2.0 * k - 1) * (2.0 * k - 1);
            double m4 = m2 * m2;
            double odd = Math.exp(-m2 * pi2 / (8 * z2));
            k0 += odd;
            k1 += (pi2 / 4 * m2 - z2) * odd;
            k2 += (6 * z6 + 2 * z4 + (2 * z4 - 5 * z2) * pi2 / 4 * m2 + pi4 * (1 - 2 * z2) / 16 * m4) * odd;
            k3 += (-30 * z6 - 90 * z6 * z2 + pi2 * (135 * z4 - 96 * z6) / 4 * m2
                    + pi4 * (212 * z4 - 60 * z2) / 16 * m4 + pi6 * (5 - 30 * z2) / 64 * m4 * m2) * odd;
            double k2pi2 = (double) k * k * pi2;
            double whole = Math.exp(-k2pi2 / (2 * z2));
            k2Extra += k2pi2 * whole;
            k3Extra += (3 * z2 - k2pi2) * k2pi2 * whole;
        }
        double root2pi = Math.sqrt(2 * Math.PI);
        double sqrtN = Math.sqrt(n);
        k0 *= root2pi / z;
        k1 *= root2pi / (6 * z4);
        k2 = k2 * root2pi / (72 * z6 * z) - k2Extra * root2pi / (36 * z2 * z);
        k3 = k3 * root2pi / (6480 * z6 * z4) + k3Extra * root2pi / (216 * z6);
        return k0 + k1 / sqrtN + k2 / n + k3 / (n * sqrtN);
    }

    /** ln(n! / n^n) = δ(n) - n + ln √(2πn), without the cancellation of ln n! - n ln n. */
    private static double logFactorialOverPower(int n) {
        return SpecialFunctions.stirlingCorrection(n) - n + 0.5 * Math.log(2 * Math.PI * n);
    }

    private static double clip(double p) {
        return Math.max(0, Math.min(1, p));
    }
}
