package org.cxrtriage.app.delivery;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.PID;
import org.cxrtriage.app.delivery.ResultMessage.Study;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The segments ORU^R01 and OMI^O23 share: MSH, PID, ORC and OBR filled the same way from a
 * {@link ResultMessage} (mapping table in the delivery README). Every value goes through
 * {@link SafeText}; HAPI escapes the delimiters when the message is encoded.
 */
final class Hl7Segments {

    static final String SENDING_APPLICATION = "CXR-TRIAGE";
    static final String LOCAL_SYSTEM = CodeSystems.LOCAL_HL7;

    private static final DateTimeFormatter DTM_ZONED = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ", Locale.ROOT);
    private static final DateTimeFormatter DTM_LOCAL = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);
    private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

    private final ZoneId zone;

    Hl7Segments(ZoneId zone) {
        this.zone = zone;
    }

    void msh(MSH msh, String code, String event, String structure, String controlId, String sendingFacility,
             Hl7Peer peer, Instant created) throws HL7Exception {
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(SENDING_APPLICATION);
        msh.getSendingFacility().getNamespaceID().setValue(SafeText.clean(sendingFacility, SafeText.SHORT));
        msh.getReceivingApplication().getNamespaceID().setValue(SafeText.clean(peer.receivingApplication(), SafeText.SHORT));
        msh.getReceivingFacility().getNamespaceID().setValue(SafeText.clean(peer.receivingFacility(), SafeText.SHORT));
        msh.getDateTimeOfMessage().getTime().setValue(zoned(created));
        msh.getMessageType().getMessageCode().setValue(code);
        msh.getMessageType().getTriggerEvent().setValue(event);
        msh.getMessageType().getMessageStructure().setValue(structure);
        msh.getMessageControlID().setValue(controlId);
        msh.getProcessingID().getProcessingID().setValue("P");
        msh.getVersionID().getVersionID().setValue("2.5.1");
        msh.getCharacterSet(0).setValue("UNICODE UTF-8");
    }

    /** PID-3 id with the issuer as assigning authority, PID-5 from the DICOM name, PID-7, PID-8. */
    void pid(PID pid, Study study) throws HL7Exception {
        pid.getSetIDPID().setValue("1");
        CX id = pid.getPatientIdentifierList(0);
        id.getIDNumber().setValue(SafeText.clean(study.patientId(), SafeText.SHORT));
        String issuer = SafeText.clean(study.issuerOfPatientId(), SafeText.SHORT);
        if (!issuer.isEmpty()) {
            id.getAssigningAuthority().getNamespaceID().setValue(issuer);
        }
        id.getIdentifierTypeCode().setValue("MR");
        name(pid.getPatientName(0), study.patientName());
        if (study.birthDate().isPresent()) {
            pid.getDateTimeOfBirth().getTime().setValue(study.birthDate().get().format(DT));
        }
        pid.getAdministrativeSex().setValue(sex(study.sex()));
    }

    /** ORC-3 and OBR-3: the accession number is the filler order number. */
    void orc(ORC orc, String orderControl, Study study) throws HL7Exception {
        orc.getOrderControl().setValue(orderControl);
        orc.getFillerOrderNumber().getEntityIdentifier().setValue(accession(study));
    }

    /**
     * OBR-3 accession, OBR-4 the study's procedure as a local code, OBR-7 when the images were
     * taken, OBR-16 the referring physician, OBR-22 when the result was produced, OBR-24 RAD.
     */
    void obr(OBR obr, ResultMessage message) throws HL7Exception {
        Study study = message.study();
        obr.getSetIDOBR().setValue("1");
        obr.getFillerOrderNumber().getEntityIdentifier().setValue(accession(study));
        procedure(obr.getUniversalServiceIdentifier(), study);
        obr.getObservationDateTime().getTime().setValue(observationTime(message));
        if (!study.referringPhysician().isBlank()) {
            name(obr.getOrderingProvider(0), study.referringPhysician());
        }
        obr.getResultsRptStatusChngDateTime().getTime().setValue(zoned(message.scoredAt()));
        obr.getDiagnosticServSectID().setValue("RAD");
    }

    /** OBR-4: {@code CXR-<modality>^<study description>^99CXR}. */
    static void procedure(CE service, Study study) throws DataTypeException {
        String modality = SafeText.clean(study.modality(), 16).replaceAll("[^A-Za-z0-9]", "");
        service.getIdentifier().setValue(modality.isEmpty() ? "CXR" : "CXR-" + modality.toUpperCase(Locale.ROOT));
        String description = SafeText.clean(study.studyDescription(), SafeText.MEDIUM);
        service.getText().setValue(description.isEmpty() ? "Chest radiograph" : description);
        service.getNameOfCodingSystem().setValue(LOCAL_SYSTEM);
    }

    /**
     * Worklist priority as HL7 table 0485 where it has the level (S stat, A asap, R routine); table
     * 0485 has no "urgent", which is sent as the local code UR.
     */
    static void priority(CWE target, String priority, boolean raisedByAi) throws DataTypeException {
        String level = priority == null ? "" : priority.trim().toLowerCase(Locale.ROOT);
        String code;
        String text;
        String system = "HL70485";
        switch (level) {
            case "stat" -> { code = "S"; text = "Stat"; }
            case "asap" -> { code = "A"; text = "ASAP"; }
            case "urgent" -> { code = "UR"; text = "Urgent"; system = LOCAL_SYSTEM; }
            default -> { code = "R"; text = "Routine"; }
        }
        target.getIdentifier().setValue(code);
        target.getText().setValue(raisedByAi ? text + ", raised by AI for a critical finding" : text);
        target.getNameOfCodingSystem().setValue(system);
    }

    String zoned(Instant instant) {
        return instant.atZone(zone).format(DTM_ZONED);
    }

    static String accession(Study study) {
        return SafeText.clean(study.accessionNumber(), SafeText.SHORT);
    }

    /** When the images were taken (study date and time as received), else when the result was produced. */
    private String observationTime(ResultMessage message) {
        Study study = message.study();
        if (study.studyDate().isEmpty()) {
            return zoned(message.scoredAt());
        }
        LocalDate date = study.studyDate().get();
        LocalTime time = study.studyTime().orElse(LocalTime.MIDNIGHT);
        return LocalDateTime.of(date, time).format(DTM_LOCAL);
    }

    /** DICOM PN (family^given^middle^prefix^suffix) into XPN (family^given^middle^suffix^prefix). */
    private static void name(XPN xpn, String dicomName) throws DataTypeException {
        String[] parts = components(dicomName);
        xpn.getFamilyName().getSurname().setValue(parts[0]);
        xpn.getGivenName().setValue(parts[1]);
        xpn.getSecondAndFurtherGivenNamesOrInitialsThereof().setValue(parts[2]);
        xpn.getPrefixEgDR().setValue(parts[3]);
        xpn.getSuffixEgJRorIII().setValue(parts[4]);
    }

    private static void name(XCN xcn, String dicomName) throws DataTypeException {
        String[] parts = components(dicomName);
        xcn.getFamilyName().getSurname().setValue(parts[0]);
        xcn.getGivenName().setValue(parts[1]);
        xcn.getSecondAndFurtherGivenNamesOrInitialsThereof().setValue(parts[2]);
        xcn.getPrefixEgDR().setValue(parts[3]);
        xcn.getSuffixEgJRorIII().setValue(parts[4]);
    }

    /** The five components of a DICOM name's first (alphabetic) group, each cleaned and bounded. */
    static String[] components(String dicomName) {
        String name = dicomName == null ? "" : dicomName;
        int ideographic = name.indexOf('=');
        if (ideographic >= 0) {
            name = name.substring(0, ideographic);
        }
        String[] raw = name.split("\\^", -1);
        String[] parts = new String[5];
        for (int i = 0; i < 5; i++) {
            parts[i] = i < raw.length ? SafeText.clean(raw[i], SafeText.SHORT) : "";
        }
        return parts;
    }

    private static String sex(String dicomSex) {
        String sex = dicomSex == null ? "" : dicomSex.trim().toUpperCase(Locale.ROOT);
        return sex.equals("M") || sex.equals("F") || sex.equals("O") ? sex : "U";
    }
}
