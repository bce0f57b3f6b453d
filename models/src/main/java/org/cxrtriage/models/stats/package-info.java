/**
 * Statistics for monitoring a deployed model against its reference profile: population drift of
 * continuous inputs and outputs ({@link org.cxrtriage.models.stats.KolmogorovSmirnov}), of
 * categorical ones ({@link org.cxrtriage.models.stats.ChiSquare}), and the rate of positive
 * findings or of radiologist disagreement ({@link org.cxrtriage.models.stats.BinomialControlLimits},
 * {@link org.cxrtriage.models.stats.BinomialTest}, {@link org.cxrtriage.models.stats.WilsonInterval},
 * {@link org.cxrtriage.models.stats.BernoulliCusum}).
 *
 * <p>Plain Java, no dependencies, no state shared between calls; everything is pure except the
 * CUSUM chart, which is a small mutable monitor. Results match scipy (and statsmodels for the
 * Wilson interval) to about 1e-10 relative for statistics and 1e-6 absolute or better for p-values;
 * each class names the scipy function and conventions it follows. Invalid input throws
 * {@link java.lang.IllegalArgumentException} with a message that says what is wrong.
 */
package org.cxrtriage.models.stats;
