package org.cxrtriage.app.triage.rollout;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.models.stats.WilsonInterval;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A candidate version (shadow or canary) against the active version on the same studies: the pairs
 * are the candidate's scored result and the result of the version that was active for the same
 * triage job (as {@link ActivationEvidence} pairs them). Per finding: the 2x2 table of the two
 * verdicts at their operating points, agreement with its Wilson 95 % interval, and 10-bin histograms
 * of both calibrated probabilities; and the disagreeing studies, named by accession number and
 * study UID only (never the patient's name or ID). Bounded: the latest {@link #MAX_PAIRS} pairs,
 * the newest {@link #MAX_STUDIES_LISTED} disagreeing studies.
 */
@Singleton
public final class VersionComparison {

    public static final int MAX_PAIRS = 500;
    public static final int MAX_STUDIES_LISTED = 100;
    public static final int BINS = 10;

    /**
     * One finding over the pairs that scored it in both versions. Agreement and its bounds are null
     * without pairs; histogram bin i counts probabilities in [i/10, (i+1)/10), the last bin includes 1.
     */
    public record FindingAgreement(String finding, String display, long bothPositive, long candidateOnly, long activeOnly,
                                   long bothNegative, long pairs, Double agreement, Double lower, Double upper,
                                   List<Integer> candidateHistogram, List<Integer> activeHistogram) {
    }

    /** One finding of one study on which the two versions' verdicts differ; probabilities are calibrated, in [0, 1]. */
    public record Disagreement(String accessionNumber, String studyDate, String studyInstanceUid, String finding,
                               String display, double candidateProbability, boolean candidatePositive,
                               double activeProbability, boolean activePositive) {
    }

    /**
     * @param activeVersions      the versions that were active in the pairs (more than one when the active version changed)
     * @param pairs               pairs compared (at most {@link #MAX_PAIRS})
     * @param pairsAvailable      all pairs there are
     * @param disagreeingStudies  studies among the pairs with at least one disagreeing finding
     * @param disagreements       the newest {@link #MAX_STUDIES_LISTED} of those studies, one row per disagreeing finding
     */
    public record Result(String modelId, String version, Set<String> activeVersions, int pairs, long pairsAvailable,
                         List<FindingAgreement> findings, int disagreeingStudies, List<Disagreement> disagreements) {
    }

    private record Pair(long candidate, long active, String studyUid, String activeVersion) {
    }

    private record Score(String key, String display, double probability, boolean positive) {
    }

    private static final String PAIRS = """
              FROM triage_result c
              JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active' AND a.status = 'SCORED'
                   AND a.model_id = c.model_id AND a.model_version <> c.model_version
             WHERE c.model_id = ? AND c.model_version = ? AND c.status = 'SCORED'""";

    private final Sql sql;

    public VersionComparison(Sql sql) {
        this.sql = sql;
    }

    public Result compare(ModelVersion candidate) throws SQLException {
        long available = sql.queryOne("SELECT COUNT(*)" + PAIRS, row -> row.getLong(1), candidate.modelId(),
                candidate.version()).orElse(0L);
        List<Pair> pairs = sql.query("SELECT c.id, a.id, c.study_instance_uid, a.model_version" + PAIRS
                        + " ORDER BY c.id DESC LIMIT " + MAX_PAIRS,
                row -> new Pair(row.getLong(1), row.getLong(2), row.getString(3), row.getString(4)),
                candidate.modelId(), candidate.version());
        Map<Long, Map<String, Score>> scores = scores(pairs);
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Map<String, List<Disagreement>> byStudy = new LinkedHashMap<>();
        for (Pair pair : pairs) {
            Map<String, Score> active = scores.getOrDefault(pair.active(), Map.of());
            for (Score c : scores.getOrDefault(pair.candidate(), Map.of()).values()) {
                Score a = active.get(c.key());
                if (a == null) {
                    continue;
                }
                tallies.computeIfAbsent(c.key(), key -> new Tally(c.display())).add(c, a);
                if (c.positive() != a.positive()) {
                    byStudy.computeIfAbsent(pair.studyUid(), uid -> new ArrayList<>()).add(new Disagreement(null, null,
                            pair.studyUid(), c.key(), c.display(), c.probability(), c.positive(), a.probability(),
                            a.positive()));
                }
            }
        }
        Set<String> activeVersions = new LinkedHashSet<>();
        pairs.forEach(pair -> activeVersions.add(pair.activeVersion()));
        return new Result(candidate.modelId(), candidate.version(), activeVersions, pairs.size(), available,
                tallies.entrySet().stream().map(entry -> entry.getValue().agreement(entry.getKey())).toList(),
                byStudy.size(), listed(byStudy));
    }

    /** Each result's findings, keyed by finding, in the model's order. */
    private Map<Long, Map<String, Score>> scores(List<Pair> pairs) throws SQLException {
        List<Long> ids = new ArrayList<>();
        pairs.forEach(pair -> {
            ids.add(pair.candidate());
            ids.add(pair.active());
        });
        Map<Long, Map<String, Score>> scores = new HashMap<>();
        for (int start = 0; start < ids.size(); start += MAX_PAIRS) {
            List<Long> chunk = ids.subList(start, Math.min(ids.size(), start + MAX_PAIRS));
            for (Object[] f : sql.query("SELECT result_id, finding_key, display, probability, positive FROM finding_result"
                    + " WHERE result_id IN (" + Sql.marks(chunk.size()) + ") ORDER BY id", row -> new Object[] {row.getLong(1),
                    new Score(row.getString(2), row.getString(3), row.getDouble(4), row.getBoolean(5))}, chunk.toArray())) {
                Score score = (Score) f[1];
                scores.computeIfAbsent((Long) f[0], id -> new LinkedHashMap<>()).put(score.key(), score);
            }
        }
        return scores;
    }

    /** The newest disagreeing studies with their accession number and study date (no other study data is read). */
    private List<Disagreement> listed(Map<String, List<Disagreement>> byStudy) throws SQLException {
        List<String> uids = byStudy.keySet().stream().limit(MAX_STUDIES_LISTED).toList();
        if (uids.isEmpty()) {
            return List.of();
        }
        Map<String, String[]> studies = new HashMap<>();
        for (String[] study : sql.query("SELECT study_instance_uid, accession_number, study_started FROM study"
                + " WHERE study_instance_uid IN (" + Sql.marks(uids.size()) + ")", row -> {
                    OffsetDateTime started = row.getObject(3, OffsetDateTime.class);
                    return new String[] {row.getString(1), row.getString(2) == null ? "" : row.getString(2),
                            started == null ? "" : started.atZoneSameInstant(ZoneId.systemDefault()).toLocalDate().toString()};
                }, uids.toArray())) {
            studies.put(study[0], study);
        }
        List<Disagreement> listed = new ArrayList<>();
        for (String uid : uids) {
            String[] study = studies.getOrDefault(uid, new String[] {uid, "", ""});
            for (Disagreement d : byStudy.get(uid)) {
                listed.add(new Disagreement(study[1], study[2], uid, d.finding(), d.display(), d.candidateProbability(),
                        d.candidatePositive(), d.activeProbability(), d.activePositive()));
            }
        }
        return listed;
    }

    /** The 2x2 counts and histograms of one finding, filled pair by pair. */
    private static final class Tally {
        private final String display;
        private long bothPositive;
        private long candidateOnly;
        private long activeOnly;
        private long bothNegative;
        private final int[] candidateBins = new int[BINS];
        private final int[] activeBins = new int[BINS];

        Tally(String display) {
            this.display = display;
        }

        void add(Score candidate, Score active) {
            if (candidate.positive() && active.positive()) {
                bothPositive++;
            } else if (candidate.positive()) {
                candidateOnly++;
            } else if (active.positive()) {
                activeOnly++;
            } else {
                bothNegative++;
            }
            candidateBins[bin(candidate.probability())]++;
            activeBins[bin(active.probability())]++;
        }

        FindingAgreement agreement(String finding) {
            long pairs = bothPositive + candidateOnly + activeOnly + bothNegative;
            long agreeing = bothPositive + bothNegative;
            WilsonInterval interval = pairs == 0 ? null : WilsonInterval.of(agreeing, pairs);
            return new FindingAgreement(finding, display, bothPositive, candidateOnly, activeOnly, bothNegative, pairs,
                    pairs == 0 ? null : (double) agreeing / pairs, interval == null ? null : interval.lower(),
                    interval == null ? null : interval.upper(), list(candidateBins), list(activeBins));
        }

        private static int bin(double probability) {
            return (int) Math.max(0, Math.min(BINS - 1, Math.floor(probability * BINS)));
        }

        private static List<Integer> list(int[] bins) {
            return java.util.Arrays.stream(bins).boxed().toList();
        }
    }
}
