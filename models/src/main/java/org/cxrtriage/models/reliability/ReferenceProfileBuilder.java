package org.cxrtriage.models.reliability;

import org.cxrtriage.models.registry.FindingScore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * Builds a {@link ReferenceProfile} from the observations of reference studies (typically the
 * labelled studies a calibration was fitted on, scored with that calibration).
 *
 * <p>Thresholds are set on held-out data: the studies are split into {@link #FOLDS} folds, each
 * fold is measured against bands and embedding statistics fitted on the other folds, and the
 * threshold is that held-out distribution's {@code referenceQuantile}. The profile then stores
 * bands and statistics refitted on all studies. So a reliable new study from the reference
 * population exceeds a threshold with probability about {@code 1 - referenceQuantile} per signal.
 */
public final class ReferenceProfileBuilder {

    /** Largest reference sample stored per fact or finding. */
    public static final int MAX_SAMPLE = 2000;
    static final int FOLDS = 5;

    private final String version;
    private final String createdFrom;
    private final double referenceQuantile;
    private final long seed;
    private final List<Observation> observations = new ArrayList<>();

    /** @param version the manifest version (calibration) the profile belongs to */
    public ReferenceProfileBuilder(String version, String createdFrom) {
        this(version, createdFrom, 0.995, 20261201L);
    }

    public ReferenceProfileBuilder(String version, String createdFrom, double referenceQuantile, long seed) {
        if (!(referenceQuantile > 0.5 && referenceQuantile < 1)) {
            throw new IllegalArgumentException("referenceQuantile must be in (0.5, 1), e.g. 0.995; was " + referenceQuantile);
        }
        this.version = version;
        this.createdFrom = createdFrom;
        this.referenceQuantile = referenceQuantile;
        this.seed = seed;
    }

    public ReferenceProfileBuilder add(Observation observation) {
        observations.add(observation);
        return this;
    }

    public ReferenceProfile build() {
        if (observations.size() < 4 * FOLDS) {
            throw new IllegalStateException("a reference profile needs at least " + 4 * FOLDS + " studies, has "
                    + observations.size() + "; calibrate on more labelled studies");
        }
        int[] fold = ReferenceBands.folds(observations.size(), seed);
        Map<String, NumericBand> bands = ReferenceBands.fit(observations, seed);
        double imageThreshold = Math.max(VerdictFacts.MIN_IMAGE_THRESHOLD, heldOutQuantile(fold, this::imageExceedances));
        MahalanobisReference imageDistance = MahalanobisReference.fit(factVectors(observations), true,
                heldOutQuantile(fold, (fit, heldOut) -> distances(fit, heldOut, ReferenceProfileBuilder::factVectors, true)),
                referenceQuantile);
        Optional<MahalanobisReference> embedding = Optional.empty();
        if (observations.stream().allMatch(o -> o.embedding().isPresent())) {
            double threshold = heldOutQuantile(fold,
                    (fit, heldOut) -> distances(fit, heldOut, ReferenceProfileBuilder::embeddings, false));
            embedding = Optional.of(MahalanobisReference.fit(embeddings(observations), false, threshold, referenceQuantile));
        }
        return new ReferenceProfile(version, observations.size(), createdFrom, numericSamples(), categoricalCounts(),
                scoreSamples(), positiveRates(), bands, imageThreshold, VerdictFacts.DISTANCE_KEYS, imageDistance,
                embedding, maxConfident(), referenceQuantile);
    }

    public ReferenceProfile buildAndWrite(Path file) throws IOException {
        ReferenceProfile profile = build();
        profile.write(file);
        return profile;
    }

    /** Held-out values of a statistic: for each fold, the statistic fitted on the others, measured on it. */
    private interface HeldOut {
        double[] measure(List<Observation> fit, List<Observation> heldOut);
    }

    private double heldOutQuantile(int[] fold, HeldOut statistic) {
        List<Double> values = new ArrayList<>();
        for (int k = 0; k < FOLDS; k++) {
            List<Observation> fit = new ArrayList<>();
            List<Observation> heldOut = new ArrayList<>();
            for (int i = 0; i < observations.size(); i++) {
                (fold[i] == k ? heldOut : fit).add(observations.get(i));
            }
            for (double value : statistic.measure(fit, heldOut)) {
                values.add(value);
            }
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return NumericBand.percentile(sorted, referenceQuantile);
    }

    private double[] imageExceedances(List<Observation> fit, List<Observation> heldOut) {
        Map<String, NumericBand> bands = ReferenceBands.fit(fit, seed + 1);
        return heldOut.stream().mapToDouble(o -> ImageStatisticsCheck.largestExceedance(bands, o.image()).value()).toArray();
    }

    private double[] distances(List<Observation> fit, List<Observation> heldOut,
                               java.util.function.Function<List<Observation>, List<double[]>> vectors, boolean standardise) {
        MahalanobisReference reference = MahalanobisReference.fit(vectors.apply(fit), standardise, 0, referenceQuantile);
        return vectors.apply(heldOut).stream().mapToDouble(reference::distance).toArray();
    }

    static List<double[]> factVectors(List<Observation> observations) {
        return observations.stream().map(o -> {
            Map<String, Double> facts = o.image().numeric();
            return VerdictFacts.DISTANCE_KEYS.stream().mapToDouble(facts::get).toArray();
        }).toList();
    }

    private static List<double[]> embeddings(List<Observation> observations) {
        return observations.stream().map(o -> {
            float[] e = o.embedding().get();
            double[] values = new double[e.length];
            for (int j = 0; j < e.length; j++) {
                values[j] = e[j];
            }
            return values;
        }).toList();
    }

    private Map<String, double[]> numericSamples() {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Observation o : observations) {
            o.image().numeric().forEach((key, value) -> {
                List<Double> list = values.computeIfAbsent(key, k -> new ArrayList<>());
                if (!Double.isNaN(value)) {
                    list.add(value);
                }
            });
        }
        Map<String, double[]> samples = new LinkedHashMap<>();
        values.forEach((key, list) -> samples.put(key, sample(list)));
        return samples;
    }

    private Map<String, Map<String, Long>> categoricalCounts() {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (Observation o : observations) {
            o.header().categorical().forEach((key, value) ->
                    counts.computeIfAbsent(key, k -> new TreeMap<>()).merge(value, 1L, Long::sum));
        }
        return counts;
    }

    private Map<String, double[]> scoreSamples() {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Observation o : observations) {
            for (FindingScore f : o.findings()) {
                values.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f.probability());
            }
        }
        Map<String, double[]> samples = new LinkedHashMap<>();
        values.forEach((key, list) -> samples.put(key, sample(list)));
        return samples;
    }

    private Map<String, Double> positiveRates() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (Observation o : observations) {
            for (FindingScore f : o.findings()) {
                long[] c = counts.computeIfAbsent(f.key(), k -> new long[2]);
                c[0] += f.positive() ? 1 : 0;
                c[1] += f.threshold().isPresent() ? 1 : 0;
            }
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        counts.forEach((key, c) -> rates.put(key, c[1] == 0 ? Double.NaN : (double) c[0] / c[1]));
        return rates;
    }

    /** The most confident findings together such that at most 1 - referenceQuantile of studies have more. */
    private int maxConfident() {
        int[] counts = observations.stream().mapToInt(OutputPlausibilityCheck::confidentCount).sorted().toArray();
        int allowed = (int) Math.floor((1 - referenceQuantile) * counts.length);
        return counts[counts.length - 1 - allowed];
    }

    /** At most MAX_SAMPLE values, chosen at random (fixed seed) when there are more. */
    private double[] sample(List<Double> values) {
        List<Double> copy = new ArrayList<>(values);
        if (copy.size() > MAX_SAMPLE) {
            Collections.shuffle(copy, new Random(seed));
            copy = copy.subList(0, MAX_SAMPLE);
        }
        double[] sample = copy.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sample);
        return sample;
    }
}
