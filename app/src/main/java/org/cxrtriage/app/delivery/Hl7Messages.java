package org.cxrtriage.app.delivery;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.NM;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.datatype.TX;
import ca.uhn.hl7v2.model.v251.group.OMI_O23_ORDER;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.OMI_O23;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.IPC;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import org.cxrtriage.app.delivery.ResultMessage.Finding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.HexFormat;

/**
 * Builds the HL7 v2.5.1 messages for one result: an ORU^R01 with the findings, and on request an
 * OMI^O23 that updates the order's priority. A message is a pure function of the
 * {@link ResultMessage} (MSH-7 is the time the result was produced), so a retry sends the same
 * message with the same control ID and a receiver that de-duplicates on MSH-10 sees a repeat.
 */
final class Hl7Messages {

    private final Hl7Segments segments;
    private final String sendingFacility;

    Hl7Messages(String sendingFacility, ZoneId zone) {
        this.sendingFacility = sendingFacility;
        this.segments = new Hl7Segments(zone);
    }

    /**
     * MSH-10: one ID per message and kind, the same on every attempt: {@code CXR<result id>R<revision>}
     * for the ORU, {@code ...O<revision>} for the OMI; a hash when that would pass MSH-10's 20 characters.
     */
    static String controlId(ResultMessage message, char kind) {
        String id = "CXR" + message.resultId() + kind + message.revision();
        if (id.length() <= 20) {
            return id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "CXR" + kind + HexFormat.of().formatHex(hash).substring(0, 16).toUpperCase();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    ORU_R01 observationReport(ResultMessage message, Hl7Peer peer) throws HL7Exception {
        ORU_R01 oru = new ORU_R01();
        segments.msh(oru.getMSH(), "ORU", "R01", "ORU_R01", controlId(message, 'R'), sendingFacility, peer,
                message.scoredAt());
        segments.pid(oru.getPATIENT_RESULT().getPATIENT().getPID(), message.study());
        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        segments.orc(order.getORC(), "RE", message.study());
        segments.obr(order.getOBR(), message);
        String status = message.isCorrection() ? "C" : "P";
        order.getOBR().getResultStatus().setValue(status);

        int setId = 0;
        if (message.outcome() != ResultMessage.Outcome.NOT_SCORED) {
            for (int i = 0; i < message.findings().size(); i++) {
                Finding finding = message.findings().get(i);
                String subId = Integer.toString(i + 1);
                OBX coded = observation(order, setId++, "CWE", "121071", "Finding", "DCM", subId, status, message, true);
                CWE value = new CWE(oru);
                value.getIdentifier().setValue(SafeText.clean(finding.code(), SafeText.SHORT));
                value.getText().setValue(SafeText.clean(finding.display(), SafeText.MEDIUM));
                value.getNameOfCodingSystem().setValue(CodeSystems.hl7(finding.codeSystem()));
                coded.getObservationValue(0).setData(value);
                coded.getAbnormalFlags(0).setValue(interpretation(message.reported(finding)));
                if (Double.isFinite(finding.probability())) {
                    OBX certainty = observation(order, setId++, "NM", "111012", "Certainty of Finding", "DCM", subId,
                            status, message, true);
                    NM percent = new NM(oru);
                    percent.setValue(ReportContent.percent(finding.probability()));
                    certainty.getObservationValue(0).setData(percent);
                    certainty.getUnits().getIdentifier().setValue("%");
                    certainty.getUnits().getText().setValue("percent");
                    certainty.getUnits().getNameOfCodingSystem().setValue("UCUM");
                    if (finding.threshold().isPresent() && Double.isFinite(finding.threshold().get())) {
                        certainty.getReferencesRange().setValue("<" + ReportContent.percent(finding.threshold().get()));
                    }
                }
            }
        }
        OBX priority = observation(order, setId++, "CWE", "PRIORITY", "Triage priority", Hl7Segments.LOCAL_SYSTEM, "",
                status, message, false);
        CWE level = new CWE(oru);
        Hl7Segments.priority(level, message.priority(), message.raisedByAi());
        priority.getObservationValue(0).setData(level);

        OBX outcome = observation(order, setId++, "TX", "OUTCOME", "Triage outcome", Hl7Segments.LOCAL_SYSTEM, "",
                status, message, false);
        TX text = new TX(oru);
        text.setValue(SafeText.clean(message.outcomeText(), SafeText.LONG));
        outcome.getObservationValue(0).setData(text);

        // The study this result is about, so a RIS (or a person) can match it to the SR in the PACS
        // even when the accession number is missing or shared.
        OBX studyUid = observation(order, setId, "ST", "110180", "Study Instance UID", "DCM", "", status, message, false);
        ST uid = new ST(oru);
        uid.setValue(SafeText.clean(message.studyInstanceUid(), SafeText.SHORT));
        studyUid.getObservationValue(0).setData(uid);
        return oru;
    }

    /** OMI^O23 with ORC-1 XO (change order) and the worklist priority in TQ1-9. */
    OMI_O23 priorityUpdate(ResultMessage message, Hl7Peer peer) throws HL7Exception {
        OMI_O23 omi = new OMI_O23();
        segments.msh(omi.getMSH(), "OMI", "O23", "OMI_O23", controlId(message, 'O'), sendingFacility, peer,
                message.scoredAt());
        segments.pid(omi.getPATIENT().getPID(), message.study());
        OMI_O23_ORDER order = omi.getORDER();
        segments.orc(order.getORC(), "XO", message.study());
        order.getTIMING().getTQ1().getSetIDTQ1().setValue("1");
        Hl7Segments.priority(order.getTIMING().getTQ1().getPriority(0), message.priority(), message.raisedByAi());
        segments.obr(order.getOBR(), message);
        IPC ipc = order.getIPC(0);
        String accession = Hl7Segments.accession(message.study());
        ipc.getAccessionIdentifier().getEntityIdentifier().setValue(accession);
        ipc.getRequestedProcedureID().getEntityIdentifier().setValue(accession);
        ipc.getStudyInstanceUID().getEntityIdentifier().setValue(SafeText.clean(message.studyInstanceUid(), SafeText.SHORT));
        ipc.getScheduledProcedureStepID().getEntityIdentifier().setValue(accession);
        String modality = SafeText.clean(message.study().modality(), 16);
        if (!modality.isEmpty()) {
            ipc.getModality().getIdentifier().setValue(modality);
            ipc.getModality().getNameOfCodingSystem().setValue("DCM");
        }
        return omi;
    }

    /**
     * One OBX: set ID, value type, OBX-3, sub-ID, status and time; for a model's output also the
     * method (OBX-17, the model) and the equipment (OBX-18, its FHIR Device id).
     */
    private OBX observation(ORU_R01_ORDER_OBSERVATION order, int index, String valueType, String code, String text,
                            String system, String subId, String status, ResultMessage message, boolean fromModel)
            throws HL7Exception {
        OBX obx = order.getOBSERVATION(index).getOBX();
        obx.getSetIDOBX().setValue(Integer.toString(index + 1));
        obx.getValueType().setValue(valueType);
        CE identifier = obx.getObservationIdentifier();
        identifier.getIdentifier().setValue(code);
        identifier.getText().setValue(text);
        identifier.getNameOfCodingSystem().setValue(system);
        obx.getObservationSubID().setValue(subId);
        obx.getObservationResultStatus().setValue(status);
        obx.getDateTimeOfTheObservation().getTime().setValue(segments.zoned(message.scoredAt()));
        if (!fromModel) {
            return obx;
        }
        ResultMessage.Model model = message.model();
        CE method = obx.getObservationMethod(0);
        method.getIdentifier().setValue(SafeText.clean(model.id(), SafeText.SHORT));
        method.getText().setValue(SafeText.clean(model.id() + " " + model.version(), SafeText.MEDIUM));
        method.getNameOfCodingSystem().setValue(Hl7Segments.LOCAL_SYSTEM);
        String device = SafeText.clean(model.deviceName(), SafeText.SHORT);
        if (!device.isEmpty()) {
            obx.getEquipmentInstanceIdentifier(0).getEntityIdentifier().setValue(device);
            obx.getEquipmentInstanceIdentifier(0).getNamespaceID().setValue(Hl7Segments.SENDING_APPLICATION);
        }
        return obx;
    }

    /** OBX-8 (table 0078): POS, NEG or IND. */
    private static String interpretation(ResultMessage.Interpretation interpretation) {
        return switch (interpretation) {
            case POSITIVE -> "POS";
            case NEGATIVE -> "NEG";
            case INDETERMINATE -> "IND";
        };
    }
}
