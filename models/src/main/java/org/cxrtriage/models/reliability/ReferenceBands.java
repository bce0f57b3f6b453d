package org.cxrtriage.models.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** The reference bands of the judged numeric facts, and the folds the builder holds studies out with. */
final class ReferenceBands {

    private ReferenceBands() {
    }

    /**
     * Each judged fact's band from all the given studies, and its tail: how far the fact's values
     * stray when each fold is measured against bands from the other folds.
     */
    static Map<String, NumericBand> fit(List<Observation> observations, long seed) {
        List<Map<String, Double>> facts = observations.stream().map(o -> o.image().numeric()).toList();
        int[] fold = folds(facts.size(), seed);
        Map<String, NumericBand> bands = new TreeMap<>();
        VerdictFacts.NUMERIC_FLOORS.forEach((key, floor) -> {
            double[] values = facts.stream().mapToDouble(f -> f.get(key)).toArray();
            double[] known = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
            if (known.length == 0) {
                return;
            }
            double[] strays = new double[values.length];
            for (int k = 0; k < ReferenceProfileBuilder.FOLDS; k++) {
                final int heldOut = k;
                double[] rest = IntStream.range(0, values.length).filter(i -> fold[i] != heldOut)
                        .mapToDouble(i -> values[i]).filter(v -> !Double.isNaN(v)).toArray();
                NumericBand band = NumericBand.of(rest.length > 0 ? rest : known, floor);
                for (int i = 0; i < values.length; i++) {
                    if (fold[i] == k) {
                        strays[i] = band.exceedance(values[i]);
                    }
                }
            }
            Arrays.sort(strays);
            bands.put(key, NumericBand.of(known, floor).withTail(NumericBand.percentile(strays, NumericBand.TAIL_QUANTILE)));
        });
        return bands;
    }

    /** A fixed random assignment of n studies to FOLDS folds of (almost) equal size. */
    static int[] folds(int n, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int[] fold = new int[n];
        for (int rank = 0; rank < n; rank++) {
            fold[order.get(rank)] = rank % ReferenceProfileBuilder.FOLDS;
        }
        return fold;
    }
}
