package org.cxrtriage.app.monitoring;

import org.cxrtriage.models.stats.BernoulliCusumDesign;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decision thresholds h of the monitoring CUSUMs, designed once per (p0, p1, ARL0) with a fixed
 * number of simulated paths and a fixed seed, so every node and every run uses the same h.
 */
final class CusumDesigns {

    /** Simulated paths and seed of the threshold design (standard error of ARL0 about 2 %). */
    static final int RUNS = 2500;
    static final long SEED = 20261201L;
    private static final Map<List<Double>, BernoulliCusumDesign.Threshold> DESIGNS = new ConcurrentHashMap<>();

    private CusumDesigns() {
    }

    /** The smallest h whose in-control average run length from p0 reaches {@code arl}, for a shift to p1. */
    static BernoulliCusumDesign.Threshold threshold(double p0, double p1, double arl) {
        return DESIGNS.computeIfAbsent(List.of(p0, p1, arl),
                key -> BernoulliCusumDesign.forInControlArl(p0, p1, arl, RUNS, SEED));
    }
}
