package org.cxrtriage.models.reliability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The per-study reliability verdict: can this study's score be trusted? Signals: (a) the distance
 * of the image's embedding from the reference embeddings, (b) the image's statistics and geometry
 * against the reference bands one by one and together (a distance over all of them and a coarse
 * layout grid), and header values never seen in the reference, (c) the output's plausibility. A model without a reference profile is judged on (c) alone, and says so.
 * Thread-safe and cheap (well under a millisecond): it only reads the immutable profile.
 */
public final class ReliabilityCheck {

    static final String EMBEDDING = "embedding.distance";
    static final String IMAGE_DISTANCE = "image.distance";
    static final String NO_PROFILE = "reference.profile";

    private final Optional<ReferenceProfile> profile;
    private final int defaultMaxConfident;

    /** @param findings how many findings the model reports (sets the plausibility limit without a profile) */
    public ReliabilityCheck(Optional<ReferenceProfile> profile, int findings) {
        this.profile = profile;
        this.defaultMaxConfident = VerdictFacts.defaultMaxConfident(findings);
    }

    public Optional<ReferenceProfile> profile() {
        return profile;
    }

    public Verdict judge(Observation observation) {
        List<Signal> signals = new ArrayList<>();
        if (profile.isPresent()) {
            ReferenceProfile reference = profile.get();
            reference.embedding().ifPresent(embedding -> signals.add(embeddingSignal(embedding, observation)));
            signals.add(ImageStatisticsCheck.signal(reference, observation.image()));
            signals.add(imageDistanceSignal(reference, observation.image()));
            signals.addAll(HeaderCheck.signals(reference, observation.header()));
            signals.add(OutputPlausibilityCheck.signal(observation, reference.maxConfident(),
                    "reference profile " + reference.version()));
        } else {
            signals.add(new Signal(NO_PROFILE, 0, 1, false, true,
                    "no reference profile: only output plausibility was checked"));
            signals.add(OutputPlausibilityCheck.signal(observation, defaultMaxConfident, "default without a profile"));
        }
        List<Signal> fired = signals.stream().filter(Signal::fired)
                .sorted(Comparator.comparingDouble(Signal::normalised).reversed()).toList();
        double score = signals.stream().filter(s -> !s.advisory()).mapToDouble(Signal::normalised).max().orElse(0);
        String reason = fired.stream().map(this::sentence).collect(Collectors.joining("; "));
        if (!fired.isEmpty() && profile.isEmpty()) {
            reason += " (no reference profile: only output plausibility was checked)";
        }
        return new Verdict(fired.isEmpty(), reason, score, signals);
    }

    private static Signal imageDistanceSignal(ReferenceProfile reference, ImageFacts image) {
        java.util.Map<String, Double> facts = image.numeric();
        double[] vector = reference.imageDistanceKeys().stream().mapToDouble(key -> facts.getOrDefault(key, Double.NaN)).toArray();
        MahalanobisReference distance = reference.imageDistance();
        for (int j = 0; j < vector.length; j++) {
            if (Double.isNaN(vector[j])) {
                vector[j] = distance.mean()[j];
            }
        }
        double value = distance.distance(vector);
        return new Signal(IMAGE_DISTANCE, value, distance.threshold(), value > distance.threshold(), false,
                String.format(Locale.ROOT, "Mahalanobis distance %.1f of %d image facts and layout cells; threshold %.1f",
                        value, vector.length, distance.threshold()));
    }

    private static Signal embeddingSignal(MahalanobisReference embedding, Observation observation) {
        if (observation.embedding().isEmpty()) {
            return new Signal(EMBEDDING, 0, embedding.threshold(), false, true,
                    "not measured: no embedding was given for this study");
        }
        double distance = embedding.distance(observation.embedding().get());
        return new Signal(EMBEDDING, distance, embedding.threshold(), distance > embedding.threshold(), false,
                String.format(Locale.ROOT, "Mahalanobis distance %.1f; threshold %.1f is the %s percentile of held-out"
                        + " reference studies", distance, embedding.threshold(), percentile(embedding.referenceQuantile())));
    }

    private String sentence(Signal signal) {
        return switch (signal.name()) {
            case EMBEDDING -> String.format(Locale.ROOT,
                    "image unlike the model's reference data (embedding distance %.1fx the %s percentile)",
                    signal.normalised(), percentile(profile.map(ReferenceProfile::referenceQuantile).orElse(0.995)));
            case ImageStatisticsCheck.NAME -> "image statistics outside the reference data (" + signal.detail() + ")";
            case IMAGE_DISTANCE -> String.format(Locale.ROOT,
                    "image layout and statistics unlike the reference data (distance %.1fx the %s percentile)",
                    signal.normalised(), percentile(profile.map(ReferenceProfile::referenceQuantile).orElse(0.995)));
            case OutputPlausibilityCheck.NAME -> String.format(Locale.ROOT, "implausible output: %d findings at or above %.2f",
                    (int) signal.value(), VerdictFacts.CONFIDENT);
            default -> signal.name().replace("header.", "") + " " + signal.detail();
        };
    }

    private static String percentile(double quantile) {
        String value = String.format(Locale.ROOT, "%.1f", quantile * 100).replaceAll("\\.0$", "");
        return value + "th";
    }
}
