package org.cxrtriage.app.delivery;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One study's triage result as the outbox hands it to every {@link Destination}: everything a
 * sender needs, so no sender reads the database. A message is immutable and a sender's output is a
 * pure function of it (plus the sender's settings), so a re-send after a crash repeats the same
 * object (same SR SOP Instance UID, same HL7 message control ID, same webhook delivery id).
 *
 * <p>Header values come from the outside world and are not trusted: strings may be empty, very
 * long or hold control characters; each sender bounds and cleans what it writes. Null strings,
 * lists and optionals are normalised to empty here so senders never see null.
 *
 * @param revision   1 for the first result of a study, incremented by every re-score
 * @param resultId   the result row's id, unique across studies
 * @param supersedes the last delivered version of this study's result; present for a correction
 * @param outcomeText e.g. "scored", "unreliable: image unlike the model's reference data",
 *                   "not scored: lateral view only"
 * @param source     the scored image; absent when not scored
 * @param priority   worklist priority: routine, urgent, asap or stat
 * @param raisedByAi true when the AI raised the priority because of a critical finding
 * @param findings   empty when not scored
 * @param scoredAt   when the result was produced
 */
public record ResultMessage(
        String studyInstanceUid, int revision, long resultId,
        Optional<Previous> supersedes,
        Outcome outcome,
        String outcomeText,
        Study study,
        Optional<SourceImage> source,
        String priority, boolean raisedByAi,
        Model model,
        List<Finding> findings,
        Instant scoredAt,
        Optional<String> worklistUrl, Optional<String> viewerUrl) {

    public ResultMessage {
        if (studyInstanceUid == null || studyInstanceUid.isBlank()) {
            throw new IllegalArgumentException("a result message needs the Study Instance UID it belongs to");
        }
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(scoredAt, "scoredAt");
        supersedes = Objects.requireNonNullElse(supersedes, Optional.empty());
        outcomeText = Objects.requireNonNullElse(outcomeText, "");
        source = Objects.requireNonNullElse(source, Optional.empty());
        priority = Objects.requireNonNullElse(priority, "routine");
        findings = findings == null ? List.of() : List.copyOf(findings);
        worklistUrl = Objects.requireNonNullElse(worklistUrl, Optional.empty());
        viewerUrl = Objects.requireNonNullElse(viewerUrl, Optional.empty());
    }

    /** True when this message corrects an earlier delivered version of the same study's result. */
    public boolean isCorrection() {
        return supersedes.isPresent();
    }

    /**
     * The interpretation a sender must report for a finding: INDETERMINATE for every finding of an
     * UNRELIABLE result (its scores were computed but are not to be trusted), the finding's own
     * interpretation otherwise.
     */
    public Interpretation reported(Finding finding) {
        return outcome == Outcome.UNRELIABLE ? Interpretation.INDETERMINATE : finding.interpretation();
    }

    public enum Outcome {
        /** Scored and the input looked like the model's reference data. */
        SCORED,
        /** Scores computed but not to be trusted (input unlike the reference data). */
        UNRELIABLE,
        /** No score: lateral only, wrong body part, paediatric, undecodable... */
        NOT_SCORED
    }

    public enum Interpretation { POSITIVE, NEGATIVE, INDETERMINATE }

    /**
     * The version this message supersedes.
     *
     * @param srSopInstanceUid the SOP Instance UID of the SR delivered for that version, when one was
     */
    public record Previous(int revision, long resultId, Optional<String> srSopInstanceUid) {
        public Previous {
            srSopInstanceUid = Objects.requireNonNullElse(srSopInstanceUid, Optional.empty());
        }
    }

    /**
     * Patient and study attributes as received (DICOM conventions: names as {@code FAMILY^GIVEN^...},
     * sex M, F or O). Any string may be empty.
     */
    public record Study(String patientName, String patientId, String issuerOfPatientId,
                        Optional<LocalDate> birthDate, String sex,
                        String accessionNumber, String studyId,
                        Optional<LocalDate> studyDate, Optional<LocalTime> studyTime,
                        String studyDescription, String referringPhysician, String modality,
                        String callingAeTitle) {
        public Study {
            patientName = Objects.requireNonNullElse(patientName, "");
            patientId = Objects.requireNonNullElse(patientId, "");
            issuerOfPatientId = Objects.requireNonNullElse(issuerOfPatientId, "");
            birthDate = Objects.requireNonNullElse(birthDate, Optional.empty());
            sex = Objects.requireNonNullElse(sex, "");
            accessionNumber = Objects.requireNonNullElse(accessionNumber, "");
            studyId = Objects.requireNonNullElse(studyId, "");
            studyDate = Objects.requireNonNullElse(studyDate, Optional.empty());
            studyTime = Objects.requireNonNullElse(studyTime, Optional.empty());
            studyDescription = Objects.requireNonNullElse(studyDescription, "");
            referringPhysician = Objects.requireNonNullElse(referringPhysician, "");
            modality = Objects.requireNonNullElse(modality, "");
            callingAeTitle = Objects.requireNonNullElse(callingAeTitle, "");
        }
    }

    /**
     * The image that was scored.
     *
     * @param file the spooled DICOM file, while retention still keeps it
     */
    public record SourceImage(String sopClassUid, String sopInstanceUid, String seriesInstanceUid,
                              Optional<Path> file) {
        public SourceImage {
            sopClassUid = Objects.requireNonNullElse(sopClassUid, "");
            sopInstanceUid = Objects.requireNonNullElse(sopInstanceUid, "");
            seriesInstanceUid = Objects.requireNonNullElse(seriesInstanceUid, "");
            file = Objects.requireNonNullElse(file, Optional.empty());
        }
    }

    /**
     * The model behind the scores.
     *
     * @param deviceName          our FHIR Device id for this model file
     * @param calibrationVersions calibration version per finding key
     */
    public record Model(String id, String version, String sha256, String deviceName,
                        Map<String, String> calibrationVersions) {
        public Model {
            id = Objects.requireNonNullElse(id, "");
            version = Objects.requireNonNullElse(version, "");
            sha256 = Objects.requireNonNullElse(sha256, "");
            deviceName = Objects.requireNonNullElse(deviceName, "");
            calibrationVersions = calibrationVersions == null ? Map.of() : Map.copyOf(calibrationVersions);
        }
    }

    /**
     * One finding's calibrated score.
     *
     * @param codeSystem  a FHIR-style system URI, e.g. {@code http://snomed.info/sct}, or a local one
     * @param probability calibrated probability in [0,1]
     * @param threshold   the operating point in [0,1], when the model defines one
     * @param critical    whether the finding is critical (may raise priority, triggers notifications)
     */
    public record Finding(String key, String display, String codeSystem, String code, double probability,
                          Optional<Double> threshold, Interpretation interpretation, boolean critical) {
        public Finding {
            key = Objects.requireNonNullElse(key, "");
            display = Objects.requireNonNullElse(display, "");
            codeSystem = Objects.requireNonNullElse(codeSystem, "");
            code = Objects.requireNonNullElse(code, "");
            threshold = Objects.requireNonNullElse(threshold, Optional.empty());
            interpretation = Objects.requireNonNullElse(interpretation, Interpretation.INDETERMINATE);
        }
    }
}
