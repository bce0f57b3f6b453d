package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DicomException;
import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.app.delivery.ResultMessage.Interpretation;
import org.cxrtriage.app.delivery.ResultMessage.Outcome;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The content tree of our SR: DICOM TID 1500 "Imaging Measurement Report" with one TID 1501
 * Measurement Group per finding (tree in the delivery README). The root's "Qualitative
 * Evaluations" container always says in words what the result is (scored, unreliable or not
 * scored), the worklist priority and, for a correction, which version it corrects.
 */
final class ReportContent {

    private static final String CONTAINS = "CONTAINS";
    private static final String CONCEPT_MOD = "HAS CONCEPT MOD";
    private static final String OBS_CONTEXT = "HAS OBS CONTEXT";

    private final ContentItemFactory factory = new ContentItemFactory();
    private final ResultMessage message;
    private final String studyInstanceUid;

    /** @param studyInstanceUid the message's study UID, already checked to be a valid UID */
    ReportContent(ResultMessage message, String studyInstanceUid) {
        this.message = message;
        this.studyInstanceUid = studyInstanceUid;
    }

    ContentItem root() throws DicomException {
        ContentItem root = factory.makeContainerContentItem(null, null, SrCodes.IMAGING_MEASUREMENT_REPORT.item(),
                true, "DCMR", "1500");
        factory.makeCodeContentItem(root, CONCEPT_MOD, SrCodes.LANGUAGE.item(), SrCodes.ENGLISH.item());
        deviceObserver(root);
        factory.makeCodeContentItem(root, CONCEPT_MOD, SrCodes.PROCEDURE_REPORTED.item(), SrCodes.IMAGING_PROCEDURE.item());
        if (message.outcome() != Outcome.NOT_SCORED && !message.findings().isEmpty()) {
            ContentItem measurements = factory.makeContainerContentItem(root, CONTAINS,
                    SrCodes.IMAGING_MEASUREMENTS.item(), true);
            for (Finding finding : message.findings()) {
                measurementGroup(measurements, finding);
            }
        }
        ContentItem evaluations = factory.makeContainerContentItem(root, CONTAINS,
                SrCodes.QUALITATIVE_EVALUATIONS.item(), true);
        comment(evaluations, "Triage outcome: " + message.outcomeText());
        comment(evaluations, "Worklist priority: " + message.priority()
                + (message.raisedByAi() ? ", raised by the AI for a critical finding" : ""));
        if (message.isCorrection()) {
            ResultMessage.Previous previous = message.supersedes().orElseThrow();
            comment(evaluations, "Corrects revision " + previous.revision() + " (result " + previous.resultId()
                    + ") of this study's AI triage result");
        }
        comment(evaluations, "AI triage output, not verified by a physician");
        return root;
    }

    /** TID 1002 observer context for a DEVICE observer (TID 1004). */
    private void deviceObserver(ContentItem root) throws DicomException {
        ResultMessage.Model model = message.model();
        factory.makeCodeContentItem(root, OBS_CONTEXT, SrCodes.OBSERVER_TYPE.item(), SrCodes.DEVICE.item());
        factory.makeUIDContentItem(root, OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_UID.item(),
                DerivedUids.device(model.id(), model.version(), model.sha256()));
        String name = model.deviceName().isBlank() ? "cxr-triage " + model.id() : model.deviceName();
        text(root, OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_NAME, name, DicomValues.LO);
        text(root, OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_MANUFACTURER, StructuredReportBuilder.MANUFACTURER, DicomValues.LO);
        text(root, OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_MODEL_NAME, model.id() + " " + model.version(), DicomValues.LO);
    }

    /** TID 1501 for one finding. */
    private void measurementGroup(ContentItem measurements, Finding finding) throws DicomException {
        ContentItem group = factory.makeContainerContentItem(measurements, CONTAINS, SrCodes.MEASUREMENT_GROUP.item(),
                true, "DCMR", "1501");
        text(group, OBS_CONTEXT, SrCodes.TRACKING_IDENTIFIER, trackingIdentifier(finding), DicomValues.LO);
        factory.makeUIDContentItem(group, OBS_CONTEXT, SrCodes.TRACKING_UID.item(),
                DerivedUids.tracking(studyInstanceUid, finding.key()));
        CodedSequenceItem findingCode = SrCodes.finding(finding);
        factory.makeCodeContentItem(group, CONTAINS, SrCodes.FINDING.item(), findingCode);
        algorithm(group, finding);
        if (Double.isFinite(finding.probability())) {
            factory.makeNumericContentItem(group, CONTAINS, SrCodes.CERTAINTY_OF_FINDING.item(),
                    percent(finding.probability()), SrCodes.PERCENT.item(), null);
        }
        if (message.source().isPresent()) {
            String sopClass = DicomValues.uid(message.source().get().sopClassUid());
            String sopInstance = DicomValues.uid(message.source().get().sopInstanceUid());
            if (!sopClass.isEmpty() && !sopInstance.isEmpty()) {
                factory.makeImageContentItem(group, CONTAINS, SrCodes.SOURCE_OF_MEASUREMENT.item(), sopClass,
                        sopInstance, 0, 0, null, null, null, null);
            }
        }
        factory.makeCodeContentItem(group, CONTAINS, findingCode, evaluation(message.reported(finding)).item());
    }

    /** TID 4019 Algorithm Identification; the calibration and the operating point go in one parameter item. */
    private void algorithm(ContentItem group, Finding finding) throws DicomException {
        ResultMessage.Model model = message.model();
        text(group, CONCEPT_MOD, SrCodes.ALGORITHM_NAME, model.id().isBlank() ? "unknown" : model.id(), DicomValues.LO);
        text(group, CONCEPT_MOD, SrCodes.ALGORITHM_VERSION, model.version().isBlank() ? "unknown" : model.version(),
                DicomValues.LO);
        List<String> parameters = new ArrayList<>();
        String calibration = model.calibrationVersions().get(finding.key());
        if (calibration != null && !calibration.isBlank()) {
            parameters.add("calibration " + calibration);
        }
        if (finding.threshold().isPresent() && Double.isFinite(finding.threshold().get())) {
            parameters.add("operating point " + percent(finding.threshold().get()) + " %");
        }
        if (!parameters.isEmpty()) {
            text(group, CONCEPT_MOD, SrCodes.ALGORITHM_PARAMETERS, String.join("; ", parameters), DicomValues.LO);
        }
    }

    private static SrCodes.Code evaluation(Interpretation interpretation) {
        return switch (interpretation) {
            case POSITIVE -> SrCodes.PRESENT;
            case NEGATIVE -> SrCodes.ABSENT;
            case INDETERMINATE -> SrCodes.UNDETERMINED;
        };
    }

    private static String trackingIdentifier(Finding finding) {
        return finding.key().isBlank() ? finding.display() : finding.key();
    }

    /** A probability in [0,1] as a percentage with at most two decimals (clamped to [0,100]). */
    static String percent(double probability) {
        double clamped = Math.max(0.0, Math.min(1.0, probability));
        return BigDecimal.valueOf(clamped * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private void comment(ContentItem parent, String text) throws DicomException {
        text(parent, CONTAINS, SrCodes.COMMENT, text, DicomValues.ST);
    }

    private void text(ContentItem parent, String relationship, SrCodes.Code concept, String value, int maxLength)
            throws DicomException {
        String clean = DicomValues.freeText(value, maxLength);
        factory.makeTextContentItem(parent, relationship, concept.item(), clean.isEmpty() ? "-" : clean);
    }
}
