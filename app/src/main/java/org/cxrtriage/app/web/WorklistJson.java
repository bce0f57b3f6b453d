package org.cxrtriage.app.web;

import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.PersonName;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.TaskRow;
import org.cxrtriage.app.worklist.WorklistEntry;
import org.cxrtriage.app.worklist.WorklistQueries;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.List;

/**
 * The worklist as the web page's JSON shows it: display strings, waiting time, finding chips, and
 * the study's link in the PACS viewer ({@code viewerUrl}, empty when TRIAGE_VIEWER_URL is not set).
 */
final class WorklistJson {

    /** One finding chip: name, calibrated probability, and whether it is positive at the operating point. */
    record Chip(long id, String key, String display, double probability, Double threshold, boolean positive,
                boolean critical) {
    }

    record Row(String studyUid, String priority, boolean critical, double score, String status, String businessStatus,
               String reason, String patientName, String patientId, String age, String sex, String accession,
               String studyTime, long waitingMinutes, String lastModified, List<Chip> chips, String viewerUrl) {
    }

    record Timeline(String received, String scored, String opened, String reviewed) {
    }

    record Detail(Row row, String modelId, String modelVersion, String device, boolean notForClinicalUse,
                  Timeline timeline, String description, String modality) {
    }

    private WorklistJson() {
    }

    static Row row(WorklistEntry entry, Instant now, StudyLinks links) {
        TaskRow task = entry.task();
        StudyRow study = entry.study();
        return new Row(task.studyUid(), task.priority(), task.critical(), task.triageScore(), task.status(),
                task.businessStatus(), task.reason(), PersonName.parse(study.patientName()).display(),
                text(study.patientId()), age(study.birthDate(), study.ageYears()), text(study.patientSex()),
                text(study.accession()), time(study.started()),
                Duration.between(study.firstReceived().toInstant(), now).toMinutes(), time(task.lastModified()),
                entry.findings().stream().map(WorklistJson::chip).toList(),
                links.viewer(task.studyUid(), text(study.accession())).orElse(""));
    }

    static Detail detail(WorklistEntry entry, WorklistQueries.Timeline timeline, Instant now, StudyLinks links) {
        return new Detail(row(entry, now, links), text(timeline.modelId()), text(timeline.modelVersion()), text(timeline.device()),
                true, new Timeline(time(timeline.received()), time(timeline.scored()), time(timeline.opened()),
                time(timeline.reviewed())), text(entry.study().description()), text(entry.study().modality()));
    }

    private static Chip chip(FindingRow f) {
        return new Chip(f.id(), f.key(), f.display(), f.probability(), f.threshold(), f.positive(), f.critical());
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
