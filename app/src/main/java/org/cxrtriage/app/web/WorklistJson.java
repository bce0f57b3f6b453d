package org.cxrtriage.app.web;

import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.FeedbackRow;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ImageRow;
import org.cxrtriage.app.worklist.PersonName;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.TaskRow;
import org.cxrtriage.app.worklist.TaskStatus;
import org.cxrtriage.app.worklist.WorklistEntry;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.dicom.image.InstanceMetadata;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worklist as the web page's JSON shows it: display strings, waiting time, who is reading,
 * finding chips with the signed-in user's own feedback, a study's images for the viewer, and the
 * study's link in the PACS viewer ({@code viewerUrl}, empty when TRIAGE_VIEWER_URL is not set).
 */
final class WorklistJson {

    /**
     * One finding chip: name, calibrated probability, whether it is positive at the operating
     * point, and the signed-in user's current feedback ({@code agree} null when they gave none).
     */
    record Chip(long id, String key, String display, double probability, Double threshold, boolean positive,
                boolean critical, Boolean agree, String reason) {
    }

    /**
     * One row. {@code reader}: who has claimed the study ("" when nobody reads it); {@code positive}:
     * some finding is positive at its operating point (critical or not); {@code score}: the triage
     * score, null unless the current revision's AI result decided the priority (as FHIR's
     * triage-score extension: a not-scored or unreliable revision shows none, even when an earlier
     * revision's score still holds the priority up); {@code viewerUrl}: the study in the PACS viewer
     * ("" when no viewer is configured).
     */
    record Row(String studyUid, String priority, boolean critical, boolean positive, Double score, String status,
               String businessStatus, String reason, String patientName, String patientId, String age, String sex,
               String birthDate, String accession, String studyTime, String receivedAt, long waitingMinutes,
               String lastModified, String reader, String claimedAt, String firstOpenedAt, String reviewedAt,
               String reviewedBy, List<Chip> chips, String viewerUrl) {
    }

    record Timeline(String received, String scored, String opened, String claimed, String reviewed) {
    }

    /**
     * One image of the study for the viewer and its thumbnail strip. {@code markers}: the patient
     * directions at the image's left, right, top and bottom edges from Patient Orientation (empty
     * when the header does not say).
     */
    record Image(String sopInstanceUid, String seriesUid, String kind, boolean scored, String viewPosition,
                 String laterality, String patientOrientation, Map<String, String> markers, int rows, int columns,
                 String description) {
    }

    /** @param siteCalibrated the scoring version was calibrated at this site (else the page says it was not) */
    record Detail(Row row, String modelId, String modelVersion, String device, boolean siteCalibrated,
                  boolean notForClinicalUse, Timeline timeline, String description, String modality, List<Image> images) {
    }

    private WorklistJson() {
    }

    static Row row(WorklistEntry entry, Map<Long, FeedbackRow> feedback, Instant now, StudyLinks links) {
        TaskRow task = entry.task();
        StudyRow study = entry.study();
        boolean inProgress = TaskStatus.IN_PROGRESS.code().equals(task.status());
        boolean reviewed = TaskStatus.COMPLETED.code().equals(task.status());
        return new Row(task.studyUid(), task.priority(), task.critical(),
                entry.findings().stream().anyMatch(FindingRow::positive),
                BusinessStatus.of(task.businessStatus()).aiDecides() ? task.triageScore() : null, task.status(),
                task.businessStatus(), task.reason(), PersonName.parse(study.patientName()).display(),
                text(study.patientId()), age(study.birthDate(), study.ageYears()), text(study.patientSex()),
                study.birthDate() == null ? "" : study.birthDate().toString(), text(study.accession()),
                time(study.started()), time(study.firstReceived()),
                Duration.between(study.firstReceived().toInstant(), now).toMinutes(), time(task.lastModified()),
                inProgress ? text(task.owner()) : "", inProgress ? time(entry.reading().claimed()) : "",
                time(entry.reading().firstOpened()), time(entry.reading().reviewed()), reviewed ? text(task.owner()) : "",
                entry.findings().stream().map(f -> chip(f, Optional.ofNullable(feedback.get(f.id())))).toList(),
                links.viewer(task.studyUid(), text(study.accession())).orElse(""));
    }

    static Detail detail(Row row, WorklistEntry entry, WorklistQueries.Timeline timeline, List<Image> images) {
        return new Detail(row, text(timeline.modelId()), text(timeline.modelVersion()), text(timeline.device()),
                timeline.siteCalibrated(), true, new Timeline(time(timeline.received()), time(timeline.scored()), time(timeline.opened()),
                time(timeline.claimed()), time(timeline.reviewed())), text(entry.study().description()),
                text(entry.study().modality()), images);
    }

    /** An image row with what its header says about view and orientation (absent when the header could not be read). */
    static Image image(ImageRow image, Optional<InstanceMetadata> header) {
        String orientation = header.map(InstanceMetadata::patientOrientation).orElse("");
        return new Image(image.sopInstanceUid(), image.seriesUid(), image.kind(), image.scored(),
                header.map(InstanceMetadata::viewPosition).orElse(""), header.map(InstanceMetadata::laterality).orElse(""),
                orientation, OrientationMarkers.of(orientation), header.map(InstanceMetadata::rows).orElse(0),
                header.map(InstanceMetadata::columns).orElse(0), header.map(InstanceMetadata::seriesDescription).orElse(""));
    }

    private static Chip chip(FindingRow f, Optional<FeedbackRow> feedback) {
        return new Chip(f.id(), f.key(), f.display(), f.probability(), f.threshold(), f.positive(), f.critical(),
                feedback.map(FeedbackRow::agree).orElse(null), feedback.map(FeedbackRow::reason).orElse(null));
    }

    private static String age(LocalDate birth, Integer years) {
        return birth != null ? Period.between(birth, LocalDate.now()).getYears() + "y" : years != null ? years + "y" : "";
    }

    private static String time(OffsetDateTime time) {
        return time == null ? "" : time.toInstant().toString();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
