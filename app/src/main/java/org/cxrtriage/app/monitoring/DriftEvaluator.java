package org.cxrtriage.app.monitoring;

import org.cxrtriage.models.reliability.ReferenceProfile;
import org.cxrtriage.models.stats.ChiSquare;
import org.cxrtriage.models.stats.ChiSquareResult;
import org.cxrtriage.models.stats.KolmogorovSmirnov;
import org.cxrtriage.models.stats.KsResult;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The drift half of an evaluation, a pure function of the window, the baseline and the model's
 * reference profile: two-sample KS tests of each finding's calibrated score and of the monitored
 * numeric facts, chi-square tests of the header values, each finding's positive rate against binomial
 * control limits, the unreliable rate and the not-scored rate. The window's scored studies count only
 * when the active model version scored them (the profile describes that version).
 *
 * <p>Every KS, chi-square and binomial test shares the family-wise alpha (Bonferroni over the tests
 * actually run, see {@link Thresholds}). The not-scored rate can only warn: studies that were not
 * scored are on the worklist as such, and the AI decided nothing about them.
 */
public final class DriftEvaluator {

    /** The numeric facts tested: matrix size, pixel spacing, windowed intensity quantiles. */
    public static final List<String> NUMERIC_KEYS = List.of("geometry.rows", "geometry.columns", "geometry.pixelSpacingMm",
            "intensity.p01", "intensity.p05", "intensity.p10", "intensity.p25", "intensity.p50", "intensity.p75",
            "intensity.p90", "intensity.p95", "intensity.p99");
    /** The header values tested. */
    public static final List<String> HEADER_KEYS = List.of("header.manufacturer", "header.manufacturerModelName",
            "header.modality", "header.viewPosition", "header.photometricInterpretation", "header.bitsStored");
    /** The calling AE title of a result that has none recorded. */
    public static final String NO_CALLER = "(none)";

    /** The model whose window is judged: its id, version and finding keys in manifest order. */
    public record Model(String id, String version, List<String> findings) {
        public Model {
            findings = List.copyOf(findings);
        }
    }

    /**
     * The drift signals in a fixed order and how many tests shared the family-wise alpha.
     *
     * @param comparable the window's studies scored by the model version judged
     * @param notScored  the window's studies not scored
     */
    public record Drift(List<DriftSignal> signals, int comparisons, long comparable, long notScored) {
    }

    private DriftEvaluator() {
    }

    public static Drift evaluate(List<MonitoredStudy> window, Baseline baseline, Model model, Optional<ReferenceProfile> profile,
                                 Thresholds thresholds) {
        List<MonitoredStudy> scored = window.stream().filter(s -> s.scoredBy(model.id(), model.version())).toList();
        long notScored = window.stream().filter(s -> !s.scored()).count();
        List<Function<Integer, DriftSignal>> planned = new ArrayList<>();
        Set<Integer> tests = new HashSet<>();
        boolean enough = scored.size() >= thresholds.minStudies();
        String tooFew = scored.size() + " scored studies in the window, " + thresholds.minStudies() + " needed";
        String noProfile = "the active model has no reference profile: build one with ./cxr-triage calibrate";
        boolean baselineUsable = baseline.studies() >= thresholds.minStudies();
        String noBaseline = "the baseline period before the window holds " + baseline.studies() + " studies, "
                + thresholds.minStudies() + " needed";
        Tests run = new Tests(thresholds, scored.size(), planned, tests);

        for (String finding : model.findings()) {
            double[] values = scored.stream().map(s -> s.findings().get(finding)).filter(f -> f != null)
                    .mapToDouble(MonitoredStudy.Finding::probability).toArray();
            run.ks("score." + finding, "calibrated score of " + finding, "profile", values,
                    enough ? profile.map(p -> p.scoreReference().get(finding)) : Optional.empty(), enough ? noProfile : tooFew);
        }
        for (String finding : model.findings()) {
            long positives = scored.stream().map(s -> s.findings().get(finding)).filter(f -> f != null && f.positive()).count();
            long count = scored.stream().filter(s -> s.findings().containsKey(finding)).count();
            Optional<Double> rate = profile.map(p -> p.positiveRate().get(finding)).filter(r -> r != null && Double.isFinite(r));
            run.rate("positiveRate." + finding, "positive rate of " + finding, "profile", positives, count,
                    enough ? rate : Optional.empty(), MonitorStatus.ALARM,
                    enough ? (profile.isEmpty() ? noProfile : "no operating point, so no reference rate") : tooFew);
        }
        for (String key : NUMERIC_KEYS) {
            double[] values = scored.stream().map(s -> s.numeric().get(key)).filter(v -> v != null && !v.isNaN())
                    .mapToDouble(Double::doubleValue).toArray();
            run.ks("input." + key, key, "profile", values, enough ? profile.map(p -> p.numericReference().get(key)) : Optional.empty(),
                    enough ? noProfile : tooFew);
        }
        double[] ages = scored.stream().map(MonitoredStudy::ageYears).filter(a -> a != null).mapToDouble(Integer::doubleValue).toArray();
        run.ks("input.patientAge", "patient age", "baseline", ages,
                enough && baselineUsable ? Optional.of(expand(baseline.ages())) : Optional.empty(), enough ? noBaseline : tooFew);
        for (String key : HEADER_KEYS) {
            run.chiSquare(key, key, "profile", counts(scored, s -> s.categorical().getOrDefault(key, "")),
                    enough ? profile.map(p -> p.categoricalReference().get(key)) : Optional.empty(), enough ? noProfile : tooFew);
        }
        run.chiSquare("header.callingAeTitle", "calling AE title", "baseline",
                counts(scored, s -> s.callingAe() == null ? NO_CALLER : s.callingAe()),
                enough && baselineUsable ? Optional.of(baseline.callers()) : Optional.empty(), enough ? noBaseline : tooFew);
        Optional<Double> notScoredBefore = baselineUsable
                ? Optional.of((double) baseline.notScored() / baseline.studies()) : Optional.empty();
        run.rate("notScoredRate", "not-scored rate", "baseline", notScored, scored.size() + notScored,
                enough ? notScoredBefore : Optional.empty(), MonitorStatus.WARNING, enough ? noBaseline : tooFew);

        int comparisons = tests.size();
        List<DriftSignal> signals = new ArrayList<>();
        signals.add(UnreliableRate.signal(scored, thresholds));
        for (Function<Integer, DriftSignal> signal : planned) {
            signals.add(signal.apply(comparisons));
        }
        return new Drift(List.copyOf(signals), comparisons, scored.size(), notScored);
    }

    /** Category counts of the window. */
    static Map<String, Long> counts(List<MonitoredStudy> studies, Function<MonitoredStudy, String> category) {
        Map<String, Long> counts = new TreeMap<>();
        for (MonitoredStudy study : studies) {
            counts.merge(category.apply(study), 1L, Long::sum);
        }
        return counts;
    }

    /** Counts by value as a sample, each value repeated as often as counted. */
    static double[] expand(Map<Integer, Long> counts) {
        double[] values = new double[(int) counts.values().stream().mapToLong(Long::longValue).sum()];
        int next = 0;
        for (Map.Entry<Integer, Long> entry : new TreeMap<>(counts).entrySet()) {
            for (long i = 0; i < entry.getValue(); i++) {
                values[next++] = entry.getKey();
            }
        }
        return values;
    }

    /** Total variation distance between the category shares of two count maps, in [0, 1]. */
    static double totalVariation(Map<String, Long> window, Map<String, Long> reference) {
        double windowTotal = window.values().stream().mapToLong(Long::longValue).sum();
        double referenceTotal = reference.values().stream().mapToLong(Long::longValue).sum();
        Set<String> categories = new HashSet<>(window.keySet());
        categories.addAll(reference.keySet());
        double sum = 0;
        for (String category : categories) {
            sum += Math.abs(window.getOrDefault(category, 0L) / windowTotal - reference.getOrDefault(category, 0L) / referenceTotal);
        }
        return sum / 2;
    }

    /** Plans each test; its level is decided once the number of tests is known. */
    private record Tests(Thresholds thresholds, int scored, List<Function<Integer, DriftSignal>> planned, Set<Integer> tests) {

        private int minValues() {
            return Math.max(5, thresholds.minStudies() / 2);
        }

        void ks(String name, String label, String against, double[] window, Optional<double[]> reference, String whyNot) {
            if (reference.isEmpty() || reference.get() == null || reference.get().length < 5) {
                planned.add(m -> DriftSignal.notTested(name, "ks", against, (long) window.length, whyNot));
                return;
            }
            if (window.length < minValues()) {
                planned.add(m -> DriftSignal.notTested(name, "ks", against, (long) window.length,
                        window.length + " values in the window, " + minValues() + " needed"));
                return;
            }
            KsResult result = KolmogorovSmirnov.twoSample(window, reference.get());
            tests.add(planned.size());
            planned.add(m -> {
                MonitorStatus level = Levels.distribution(thresholds, m, result.pValue(), result.statistic());
                String reason = level == MonitorStatus.OK ? null : String.format(java.util.Locale.ROOT,
                        "%s drifted: KS D = %.3f, p = %.2g (%d tests) against the %s", label, result.statistic(),
                        result.pValue(), m, Levels.describe(against));
                return new DriftSignal(name, "ks", against, level.code(), true, result.statistic(), result.pValue(),
                        result.statistic(), (long) result.n1(), (long) result.n2(), null, null, null, null, null, null, null, reason);
            });
        }

        void chiSquare(String name, String label, String against, Map<String, Long> window, Optional<Map<String, Long>> reference,
                       String whyNot) {
            long windowTotal = window.values().stream().mapToLong(Long::longValue).sum();
            if (reference.isEmpty() || reference.get() == null
                    || reference.get().values().stream().mapToLong(Long::longValue).sum() == 0) {
                planned.add(m -> DriftSignal.notTested(name, "chi-square", against, windowTotal, whyNot));
                return;
            }
            if (windowTotal < minValues()) {
                planned.add(m -> DriftSignal.notTested(name, "chi-square", against, windowTotal,
                        windowTotal + " values in the window, " + minValues() + " needed"));
                return;
            }
            ChiSquareResult result = ChiSquare.homogeneity(window, reference.get(), 5);
            double effect = totalVariation(window, reference.get());
            long referenceTotal = reference.get().values().stream().mapToLong(Long::longValue).sum();
            tests.add(planned.size());
            planned.add(m -> {
                MonitorStatus level = Levels.distribution(thresholds, m, result.pValue(), effect);
                String reason = level == MonitorStatus.OK ? null : String.format(java.util.Locale.ROOT,
                        "%s drifted: chi-square = %.1f, %d df, p = %.2g (%d tests), shares moved by %.2f, against the %s",
                        label, result.statistic(), result.degreesOfFreedom(), result.pValue(), m, effect, Levels.describe(against));
                return new DriftSignal(name, "chi-square", against, level.code(), true, result.statistic(), result.pValue(),
                        effect, windowTotal, referenceTotal, null, null, null, null, null, null, result.degreesOfFreedom(), reason);
            });
        }

        void rate(String name, String label, String against, long events, long count, Optional<Double> referenceRate,
                  MonitorStatus worst, String whyNot) {
            if (referenceRate.isEmpty() || count < minValues()) {
                String why = referenceRate.isEmpty() ? whyNot : count + " studies in the window, " + minValues() + " needed";
                Proportion observed = Proportion.of(events, count);
                planned.add(m -> new DriftSignal(name, "binomial", against, MonitorStatus.OK.code(), false, observed.rate(), null, null,
                        count, null, events, observed.rate(), null, null, null, null, null, why));
                return;
            }
            tests.add(planned.size());
            planned.add(m -> BinomialRate.signal(name, label, against, events, count, referenceRate.get(), worst, thresholds, m));
        }
    }
}
