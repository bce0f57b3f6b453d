package org.cxrtriage.models.reliability;

import java.util.List;

/**
 * Mean and inverse of the Ledoit-Wolf shrinkage covariance of a set of vectors (Ledoit and Wolf,
 * "A well-conditioned estimator for large-dimensional covariance matrices", 2004): the sample
 * covariance S pulled towards mu * I, mu = trace(S) / p, by the shrinkage that minimises the
 * expected squared Frobenius error. Well conditioned even with fewer samples than dimensions.
 */
final class LedoitWolf {

    /** The fitted mean, the inverse of the shrunk covariance, and the shrinkage in [0, 1]. */
    record Fit(double[] mean, double[][] precision, double shrinkage) {
    }

    private LedoitWolf() {
    }

    static Fit fit(List<float[]> vectors) {
        int n = vectors.size();
        int p = vectors.get(0).length;
        if (n < 2) {
            throw new IllegalArgumentException("an embedding reference needs at least 2 studies, has " + n);
        }
        double[] mean = new double[p];
        for (float[] v : vectors) {
            for (int j = 0; j < p; j++) {
                mean[j] += v[j];
            }
        }
        for (int j = 0; j < p; j++) {
            mean[j] /= n;
        }
        double[][] centred = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                centred[i][j] = vectors.get(i)[j] - mean[j];
            }
        }
        double[][] covariance = new double[p][p];
        double[][] squaresProduct = new double[p][p];
        for (double[] x : centred) {
            for (int a = 0; a < p; a++) {
                double xa = x[a];
                double xa2 = xa * xa;
                for (int b = a; b < p; b++) {
                    covariance[a][b] += xa * x[b];
                    squaresProduct[a][b] += xa2 * x[b] * x[b];
                }
            }
        }
        double trace = 0;
        double frobenius = 0;
        double fourth = 0;
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                covariance[a][b] /= n;
                covariance[b][a] = covariance[a][b];
                double weight = a == b ? 1 : 2;
                frobenius += weight * covariance[a][b] * covariance[a][b];
                fourth += weight * squaresProduct[a][b];
            }
            trace += covariance[a][a];
        }
        double mu = trace / p;
        // d2: squared distance of S from mu*I; b2: estimated variance of S's entries (bounded by d2)
        double d2 = frobenius - 2 * mu * trace + p * mu * mu;
        double b2 = Math.min(d2, (fourth / n - frobenius) / n);
        double shrinkage = d2 <= 0 ? 1 : Math.max(0, b2) / d2;
        double[][] shrunk = new double[p][p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                shrunk[a][b] = (1 - shrinkage) * covariance[a][b] + (a == b ? shrinkage * mu : 0);
            }
        }
        return new Fit(mean, invertSymmetric(shrunk), shrinkage);
    }

    /** Inverse of a symmetric positive definite matrix by Cholesky decomposition. */
    static double[][] invertSymmetric(double[][] matrix) {
        int p = matrix.length;
        double[][] lower = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = matrix[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= lower[i][k] * lower[j][k];
                }
                if (i == j) {
                    if (sum <= 0) {
                        throw new IllegalArgumentException("covariance is not positive definite (all embeddings equal?)");
                    }
                    lower[i][i] = Math.sqrt(sum);
                } else {
                    lower[i][j] = sum / lower[j][j];
                }
            }
        }
        double[][] inverseLower = new double[p][p];
        for (int i = 0; i < p; i++) {
            inverseLower[i][i] = 1 / lower[i][i];
            for (int j = 0; j < i; j++) {
                double sum = 0;
                for (int k = j; k < i; k++) {
                    sum -= lower[i][k] * inverseLower[k][j];
                }
                inverseLower[i][j] = sum / lower[i][i];
            }
        }
        double[][] inverse = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = i; k < p; k++) {
                    sum += inverseLower[k][i] * inverseLower[k][j];
                }
                inverse[i][j] = sum;
                inverse[j][i] = sum;
            }
        }
        return inverse;
    }
}
