package org.cxrtriage.app.delivery;

import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.app.delivery.ResultMessage.Interpretation;
import org.cxrtriage.app.delivery.ResultMessage.Model;
import org.cxrtriage.app.delivery.ResultMessage.Outcome;
import org.cxrtriage.app.delivery.ResultMessage.Previous;
import org.cxrtriage.app.delivery.ResultMessage.SourceImage;
import org.cxrtriage.app.delivery.ResultMessage.Study;
import org.cxrtriage.testdata.DicomPhantomWriter;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Result messages for delivery tests: the four outcomes the senders must handle, and a hostile header. Names and IDs are invented. */
final class ResultMessages {

    static final String CR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1";
    static final Instant SCORED_AT = Instant.parse("2026-11-30T09:15:42Z");
    static final Model MODEL = new Model("cxr-reference", "1.0.0+cal.20261123T190851",
            "67701237f92bc4d1d63e40639987cd71c5b5f5cfc7a8f19850298420c0ff3a2d", "cxr-reference-67701237f92b",
            Map.of("pneumothorax", "cal-20261123T190851", "pleural_effusion", "cal-20261123T190851"));

    private ResultMessages() {
    }

    /** Six findings: pneumothorax and cardiomegaly positive, the others negative; the AI raised it to stat. */
    static ResultMessage scored(PhantomIdentity identity, Optional<Path> sourceFile) {
        return new ResultMessage(identity.studyInstanceUid(), 1, 4101L, Optional.empty(), Outcome.SCORED, "scored",
                study(identity), Optional.of(source(identity, sourceFile)), "stat", true, MODEL, sixFindings(),
                SCORED_AT, Optional.of("https://triage.example.org/studies/" + identity.studyInstanceUid()),
                Optional.of("https://viewer.example.org/?study=" + identity.studyInstanceUid()));
    }

    static ResultMessage unreliable(PhantomIdentity identity, Optional<Path> sourceFile) {
        return new ResultMessage(identity.studyInstanceUid(), 1, 4102L, Optional.empty(), Outcome.UNRELIABLE,
                "unreliable: image unlike the model's reference data", study(identity),
                Optional.of(source(identity, sourceFile)), "routine", false, MODEL, sixFindings(), SCORED_AT,
                Optional.empty(), Optional.empty());
    }

    static ResultMessage notScored(PhantomIdentity identity) {
        return new ResultMessage(identity.studyInstanceUid(), 1, 4103L, Optional.empty(), Outcome.NOT_SCORED,
                "not scored: lateral view only", study(identity), Optional.empty(), "routine", false, MODEL, List.of(),
                SCORED_AT, Optional.empty(), Optional.empty());
    }

    /** Revision 2 of {@link #scored}: it supersedes revision 1, whose SR was delivered. */
    static ResultMessage correction(PhantomIdentity identity, Optional<Path> sourceFile) {
        ResultMessage first = scored(identity, sourceFile);
        Previous previous = new Previous(first.revision(), first.resultId(),
                Optional.of(StructuredReportBuilder.sopInstanceUid(first)));
        return new ResultMessage(identity.studyInstanceUid(), 2, 4201L, Optional.of(previous), Outcome.SCORED,
                "scored", study(identity), first.source(), "stat", true, MODEL, sixFindings(),
                SCORED_AT.plusSeconds(600), first.worklistUrl(), first.viewerUrl());
    }

    /** What the world sends: a 400-character name with control characters and delimiters everywhere. */
    static ResultMessage hostile(PhantomIdentity identity) {
        String name = "O'Brien|Smith^Ann~Marie\\Jo&Co\r\nEVIL\u0007\u001b[31m" + "x".repeat(400) + "=山田^太郎";
        Study study = new Study(name, "ID|^~\\&\r\n" + "9".repeat(300), "ISSUER^|~&\\\t" + "I".repeat(100),
                Optional.of(LocalDate.of(1961, 2, 28)), "unknown\u0000", "ACC\\|^~&\r\n" + "A".repeat(80),
                "STUDY-ID-THAT-IS-TOO-LONG\u0003", Optional.of(LocalDate.of(2026, 11, 30)), Optional.of(LocalTime.of(9, 1, 2)),
                "CHEST\r\nPA|^~&\\ " + "D".repeat(200), "Dr^Who\u0000|^~&" + "R".repeat(100), "CR", "PACS\\\u0001");
        List<Finding> findings = List.of(
                new Finding("pneumothorax", "Pneumothorax\r\n|^~\\&", "http://snomed.info/sct", "36118008", 0.93,
                        Optional.of(0.445), Interpretation.POSITIVE, true),
                new Finding("odd|key\u0002" + "k".repeat(60), "Odd finding " + "o".repeat(100), "urn:local:odd",
                        "a-code-longer-than-sixteen-chars", Double.NaN, Optional.of(Double.POSITIVE_INFINITY),
                        Interpretation.NEGATIVE, false));
        return new ResultMessage(identity.studyInstanceUid(), 1, 4301L, Optional.empty(), Outcome.SCORED,
                "scored\r\n|^~\\&\u0000 " + "t".repeat(3000), study,
                Optional.of(new SourceImage(CR_IMAGE_STORAGE, identity.sopInstanceUid(), identity.seriesInstanceUid(),
                        Optional.empty())),
                "stat", true, MODEL, findings, SCORED_AT, Optional.empty(), Optional.empty());
    }

    static Study study(PhantomIdentity identity) {
        return new Study(identity.patientName(), identity.patientId(), "HOSP-A", Optional.of(LocalDate.of(1972, 5, 17)),
                identity.patientSex(), identity.accessionNumber(), "1", Optional.of(LocalDate.of(2026, 11, 30)),
                Optional.of(LocalTime.of(8, 55, 10)), "CHEST PA", "REFERRER^RITA", "CR", "MODALITY1");
    }

    static SourceImage source(PhantomIdentity identity, Optional<Path> file) {
        return new SourceImage(CR_IMAGE_STORAGE, identity.sopInstanceUid(), identity.seriesInstanceUid(), file);
    }

    static List<Finding> sixFindings() {
        return List.of(
                finding("pneumothorax", "Pneumothorax", "http://snomed.info/sct", "36118008", 0.9312, 0.4451, true),
                finding("pleural_effusion", "Pleural effusion", "http://snomed.info/sct", "60046008", 0.1204, 0.3627, true),
                finding("consolidation", "Consolidation", "http://snomed.info/sct", "95436008", 0.0511, 0.0730, true),
                finding("cardiomegaly", "Cardiomegaly", "http://snomed.info/sct", "8186001", 0.7105, 0.5001, false),
                finding("nodule_mass", "Nodule or mass", "urn:cxr-triage:finding", "nodule_mass", 0.0203, 0.9406, false),
                finding("pneumoperitoneum", "Pneumoperitoneum (free air under the diaphragm)", "urn:cxr-triage:finding",
                        "pneumoperitoneum", 0.0104, 0.4680, true));
    }

    private static Finding finding(String key, String display, String system, String code, double probability,
                                   double threshold, boolean critical) {
        Interpretation interpretation = probability >= threshold ? Interpretation.POSITIVE : Interpretation.NEGATIVE;
        return new Finding(key, display, system, code, probability, Optional.of(threshold), interpretation, critical);
    }

    /** A real 64x64 CR phantom file under {@code dir}, for the SR to copy patient and study modules from. */
    static Path sourceFile(PhantomIdentity identity, Path dir) throws Exception {
        Path file = dir.resolve(identity.sopInstanceUid() + ".dcm");
        DicomPhantomWriter.write(PhantomSpec.chestCr(identity, 7).withSize(64, 64), file, "1.2.840.10008.1.2.1");
        return file;
    }
}
