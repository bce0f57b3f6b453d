package org.cxrtriage.app.delivery;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.OMI_O23;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ORU^R01 (and OMI^O23) over MLLP to HAPI's own MLLP server and to hand-written listeners. */
class Hl7DestinationTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final HapiContext HAPI = new DefaultHapiContext();
    private static final List<Message> RECEIVED = new CopyOnWriteArrayList<>();
    private static HL7Service ris;
    private static int risPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRis() throws Exception {
        // HAPI's default ID generator for the ACKs it makes keeps a counter file in the working directory
        HAPI.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        try (ServerSocket probe = new ServerSocket(0)) {
            risPort = probe.getLocalPort();
        }
        ris = HAPI.newServer(risPort, false);
        ris.registerApplication(new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws ca.uhn.hl7v2.HL7Exception {
                RECEIVED.add(message);
                try {
                    return message.generateACK();
                } catch (java.io.IOException e) {
                    throw new ca.uhn.hl7v2.HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        ris.startAndWait();
    }

    @AfterAll
    static void stopRis() {
        ris.stopAndWait();
    }

    @BeforeEach
    void forget() {
        RECEIVED.clear();
    }

    @Test
    void anOruIsAcceptedAndEveryMappedFieldReadsBack() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage message = ResultMessages.scored(identity, Optional.empty());

        Attempt attempt = destination(new Hl7Peer("127.0.0.1", risPort, false, false, "RIS", "MAIN")).send(message);

        assertTrue(attempt.delivered(), attempt.toString());
        assertEquals("ORU^R01 CXR4101R1 AA", attempt.detail());
        assertEquals(1, RECEIVED.size());
        ORU_R01 oru = (ORU_R01) RECEIVED.get(0);

        MSH msh = oru.getMSH();
        assertEquals("CXR-TRIAGE", msh.getSendingApplication().encode());
        assertEquals("HOSP-CXR", msh.getSendingFacility().encode());
        assertEquals("RIS", msh.getReceivingApplication().encode());
        assertEquals("MAIN", msh.getReceivingFacility().encode());
        assertEquals("20261130101542+0100", msh.getDateTimeOfMessage().encode());
        assertEquals("ORU^R01^ORU_R01", msh.getMessageType().encode());
        assertEquals("CXR4101R1", msh.getMessageControlID().getValue());
        assertEquals("P", msh.getProcessingID().encode());
        assertEquals("2.5.1", msh.getVersionID().encode());
        assertEquals("UNICODE UTF-8", msh.getCharacterSet(0).getValue());

        PID pid = oru.getPATIENT_RESULT().getPATIENT().getPID();
        assertEquals(identity.patientId() + "^^^HOSP-A^MR", pid.getPatientIdentifierList(0).encode());
        String[] name = identity.patientName().split("\\^");
        assertEquals(name[0], pid.getPatientName(0).getFamilyName().getSurname().getValue());
        assertEquals(name[1], pid.getPatientName(0).getGivenName().getValue());
        assertEquals(name[2], pid.getPatientName(0).getSecondAndFurtherGivenNamesOrInitialsThereof().getValue());
        assertEquals("19720517", pid.getDateTimeOfBirth().encode());
        assertEquals("F", pid.getAdministrativeSex().getValue());

        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        assertEquals("RE", order.getORC().getOrderControl().getValue());
        assertEquals(identity.accessionNumber(), order.getORC().getFillerOrderNumber().encode());
        OBR obr = order.getOBR();
        assertEquals(identity.accessionNumber(), obr.getFillerOrderNumber().encode());
        assertEquals("CXR-CR^CHEST PA^99CXR", obr.getUniversalServiceIdentifier().encode());
        assertEquals("20261130085510", obr.getObservationDateTime().encode());
        assertEquals("^REFERRER^RITA", obr.getOrderingProvider(0).encode(), "XCN: ID number, family, given");
        assertEquals("20261130101542+0100", obr.getResultsRptStatusChngDateTime().encode());
        assertEquals("RAD", obr.getDiagnosticServSectID().getValue());
        assertEquals("P", obr.getResultStatus().getValue());

        List<Finding> findings = message.findings();
        assertEquals(2 * findings.size() + 3, order.getOBSERVATIONReps());
        for (int i = 0; i < findings.size(); i++) {
            Finding finding = findings.get(i);
            OBX coded = order.getOBSERVATION(2 * i).getOBX();
            OBX certainty = order.getOBSERVATION(2 * i + 1).getOBX();
            String subId = Integer.toString(i + 1);
            assertEquals(Integer.toString(2 * i + 1), coded.getSetIDOBX().getValue());
            assertEquals("CWE", coded.getValueType().getValue());
            assertEquals("121071^Finding^DCM", coded.getObservationIdentifier().encode());
            assertEquals(subId, coded.getObservationSubID().getValue());
            String system = finding.codeSystem().equals("http://snomed.info/sct") ? "SCT" : "99CXR";
            assertEquals(finding.code() + "^" + finding.display() + "^" + system, coded.getObservationValue(0).encode());
            assertEquals(finding.interpretation() == ResultMessage.Interpretation.POSITIVE ? "POS" : "NEG",
                    coded.getAbnormalFlags(0).getValue());
            assertEquals("NM", certainty.getValueType().getValue());
            assertEquals("111012^Certainty of Finding^DCM", certainty.getObservationIdentifier().encode());
            assertEquals(subId, certainty.getObservationSubID().getValue());
            assertEquals(ReportContent.percent(finding.probability()), certainty.getObservationValue(0).encode());
            assertEquals("%^percent^UCUM", certainty.getUnits().encode());
            assertEquals("<" + ReportContent.percent(finding.threshold().orElseThrow()), certainty.getReferencesRange().getValue());
            for (OBX obx : List.of(coded, certainty)) {
                assertEquals("P", obx.getObservationResultStatus().getValue());
                assertEquals("20261130101542+0100", obx.getDateTimeOfTheObservation().encode());
                assertEquals("cxr-reference^cxr-reference 1.0.0+cal.20261123T190851^99CXR", obx.getObservationMethod(0).encode());
                assertEquals("cxr-reference-67701237f92b^CXR-TRIAGE", obx.getEquipmentInstanceIdentifier(0).encode());
            }
        }
        assertEquals("93.12", order.getOBSERVATION(1).getOBX().getObservationValue(0).encode());
        assertEquals("POS", order.getOBSERVATION(0).getOBX().getAbnormalFlags(0).getValue());
        OBX priority = order.getOBSERVATION(2 * findings.size()).getOBX();
        assertEquals("CWE", priority.getValueType().getValue());
        assertEquals("PRIORITY^Triage priority^99CXR", priority.getObservationIdentifier().encode());
        assertEquals("S^Stat, raised by AI for a critical finding^HL70485", priority.getObservationValue(0).encode());
        assertEquals(0, priority.getObservationMethodReps(), "the priority is not a model's output");
        OBX outcome = order.getOBSERVATION(2 * findings.size() + 1).getOBX();
        assertEquals("TX", outcome.getValueType().getValue());
        assertEquals("OUTCOME^Triage outcome^99CXR", outcome.getObservationIdentifier().encode());
        assertEquals("scored", outcome.getObservationValue(0).encode());
        OBX study = order.getOBSERVATION(2 * findings.size() + 2).getOBX();
        assertEquals("ST", study.getValueType().getValue());
        assertEquals("110180^Study Instance UID^DCM", study.getObservationIdentifier().encode());
        assertEquals(identity.studyInstanceUid(), study.getObservationValue(0).encode());
        assertEquals(Integer.toString(2 * findings.size() + 3), study.getSetIDOBX().getValue());
    }

    @Test
    void aCorrectionIsResultStatusC() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        Attempt attempt = destination(new Hl7Peer("127.0.0.1", risPort, false, false, "", ""))
                .send(ResultMessages.correction(identity, Optional.empty()));

        assertTrue(attempt.delivered(), attempt.toString());
        ORU_R01_ORDER_OBSERVATION order = ((ORU_R01) RECEIVED.get(0)).getPATIENT_RESULT().getORDER_OBSERVATION();
        assertEquals("C", order.getOBR().getResultStatus().getValue());
        for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
            assertEquals("C", order.getOBSERVATION(i).getOBX().getObservationResultStatus().getValue());
        }
        assertEquals("CXR4201R2", ((ORU_R01) RECEIVED.get(0)).getMSH().getMessageControlID().getValue());
    }

    @Test
    void unreliableAndNotScoredResultsSayWhyAndAssertNothing() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Hl7Destination destination = destination(new Hl7Peer("127.0.0.1", risPort, true, false, "", ""));

        assertTrue(destination.send(ResultMessages.unreliable(identity, Optional.empty())).delivered());
        assertTrue(destination.send(ResultMessages.notScored(PhantomIdentity.newStudy())).delivered());

        assertEquals(2, RECEIVED.size(), "no OMI: neither was raised by the AI");
        ORU_R01_ORDER_OBSERVATION unreliable = ((ORU_R01) RECEIVED.get(0)).getPATIENT_RESULT().getORDER_OBSERVATION();
        for (int i = 0; i < 12; i += 2) {
            assertEquals("IND", unreliable.getOBSERVATION(i).getOBX().getAbnormalFlags(0).getValue());
        }
        assertEquals("unreliable: image unlike the model's reference data",
                unreliable.getOBSERVATION(13).getOBX().getObservationValue(0).encode());
        ORU_R01_ORDER_OBSERVATION notScored = ((ORU_R01) RECEIVED.get(1)).getPATIENT_RESULT().getORDER_OBSERVATION();
        assertEquals(3, notScored.getOBSERVATIONReps(), "priority, outcome and the study UID only");
        assertEquals("R^Routine^HL70485", notScored.getOBSERVATION(0).getOBX().getObservationValue(0).encode());
        assertEquals("not scored: lateral view only", notScored.getOBSERVATION(1).getOBX().getObservationValue(0).encode());
    }

    @Test
    void aPriorityRaisedByTheAiAlsoGoesAsAnOmiWhenTheDestinationAsks() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        Attempt attempt = destination(new Hl7Peer("127.0.0.1", risPort, true, false, "RIS", "MAIN"))
                .send(ResultMessages.scored(identity, Optional.empty()));

        assertTrue(attempt.delivered(), attempt.toString());
        assertEquals("ORU^R01 CXR4101R1 AA, OMI^O23 CXR4101O1 AA", attempt.detail());
        OMI_O23 omi = (OMI_O23) RECEIVED.get(1);
        assertEquals("OMI^O23^OMI_O23", omi.getMSH().getMessageType().encode());
        assertEquals("XO", omi.getORDER().getORC().getOrderControl().getValue());
        assertEquals(identity.accessionNumber(), omi.getORDER().getORC().getFillerOrderNumber().encode());
        assertEquals("S^Stat, raised by AI for a critical finding^HL70485",
                omi.getORDER().getTIMING().getTQ1().getPriority(0).encode());
        assertEquals(identity.studyInstanceUid(), omi.getORDER().getIPC(0).getStudyInstanceUID().encode());
        assertEquals(identity.patientId(), omi.getPATIENT().getPID().getPatientIdentifierList(0).getIDNumber().getValue());
    }

    @Test
    void aHostileHeaderIsEscapedAndReadsBackIntact() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        Attempt attempt = destination(new Hl7Peer("127.0.0.1", risPort, false, false, "R|S^~\\&", "F\r\nX"))
                .send(ResultMessages.hostile(identity));

        assertTrue(attempt.delivered(), attempt.toString());
        ORU_R01 oru = (ORU_R01) RECEIVED.get(0);
        PID pid = oru.getPATIENT_RESULT().getPATIENT().getPID();
        assertEquals("O'Brien|Smith", pid.getPatientName(0).getFamilyName().getSurname().getValue());
        String given = pid.getPatientName(0).getGivenName().getValue();
        assertTrue(given.startsWith("Ann~Marie\\Jo&Co  EVIL  [31mxxx"), given);
        assertEquals(64, given.length());
        assertTrue(pid.getPatientIdentifierList(0).getIDNumber().getValue().startsWith("ID|^~\\&  999"));
        assertEquals("U", pid.getAdministrativeSex().getValue());
        assertEquals("R|S^~\\&", oru.getMSH().getReceivingApplication().getNamespaceID().getValue());
        assertEquals("F  X", oru.getMSH().getReceivingFacility().getNamespaceID().getValue());
        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        assertEquals(6, order.getOBSERVATIONReps(), "2 for the first finding, 1 for the one without a probability,"
                + " priority, outcome, study UID");
        String outcome = ((ca.uhn.hl7v2.model.v251.datatype.TX) order.getOBSERVATION(4).getOBX()
                .getObservationValue(0).getData()).getValue();
        assertTrue(outcome.startsWith("scored  |^~\\&  ttt"), outcome);
        assertEquals(SafeText.LONG, outcome.length());
        assertEquals(10, oru.encode().split("\r").length, "MSH PID ORC OBR and 6 OBX: no control character split a segment");
    }

    @Test
    void anApplicationErrorIsAFailedAttemptWithTheReceiversText() throws Exception {
        try (MllpResponder nak = new MllpResponder(ServerSocketFactory.getDefault(), message -> MllpResponder.acknowledge(
                message, "AE", "Patient record locked", "ERR|||207^Application internal error^HL70357|E||||Record locked by RIS user"))) {

            Attempt attempt = destination(new Hl7Peer("127.0.0.1", nak.port(), true, false, "", ""))
                    .send(ResultMessages.scored(PhantomIdentity.newStudy(), Optional.empty()));

            assertFalse(attempt.delivered());
            assertFalse(attempt.retryable(), "AE: the content is refused, the same message would be refused again");
            assertTrue(attempt.detail().contains("did not accept ORU^R01 CXR4101R1: AE: Patient record locked;"
                    + " Record locked by RIS user; 207 Application internal error HL70357"), attempt.detail());
            assertEquals(1, nak.received().size(), "no OMI after a refused ORU");
        }
    }

    @Test
    void anApplicationRejectIsWorthRetrying() throws Exception {
        try (MllpResponder reject = new MllpResponder(ServerSocketFactory.getDefault(),
                message -> MllpResponder.acknowledge(message, "AR", "RIS database offline", ""))) {

            Attempt attempt = destination(new Hl7Peer("127.0.0.1", reject.port(), false, false, "", ""))
                    .send(ResultMessages.notScored(PhantomIdentity.newStudy()));

            assertFalse(attempt.delivered());
            assertTrue(attempt.retryable(), attempt.toString());
            assertTrue(attempt.detail().endsWith("AR: RIS database offline"), attempt.detail());
        }
    }

    @Test
    void aListenerThatNeverAnswersTimesOut() throws Exception {
        try (MllpResponder silent = new MllpResponder(ServerSocketFactory.getDefault(), message -> null)) {

            Attempt attempt = destination(new Hl7Peer("127.0.0.1", silent.port(), false, false, "", ""))
                    .send(ResultMessages.notScored(PhantomIdentity.newStudy()));

            assertFalse(attempt.delivered());
            assertTrue(attempt.retryable());
            assertTrue(attempt.detail().contains("no acknowledgement within 1500 ms"), attempt.detail());
            assertTrue(attempt.took().compareTo(Duration.ofMillis(1400)) >= 0, attempt.toString());
            assertEquals(1, silent.received().size(), "the message itself arrived");
        }
    }

    @Test
    void mllpOverTlsVerifiesTheServerCertificate() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        SSLContext server = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(pki.serverKeystore()), TestPki.PASSWORD.toCharArray());
        server.init(keys.getKeyManagers(), null, null);
        SSLContext client = SSLContext.getInstance("TLS");
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(pki.truststore()));
        client.init(null, trust.getTrustManagers(), null);
        try (MllpResponder tlsRis = new MllpResponder(server.getServerSocketFactory(),
                message -> MllpResponder.acknowledge(message, "AA", "", ""))) {
            Hl7Peer peer = new Hl7Peer("localhost", tlsRis.port(), false, true, "", "");

            Attempt trusted = new Hl7Destination(peer, "HOSP-CXR", PARIS, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    client.getSocketFactory()).send(ResultMessages.notScored(PhantomIdentity.newStudy()));
            Attempt untrusted = new Hl7Destination(peer, "HOSP-CXR", PARIS, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    null).send(ResultMessages.notScored(PhantomIdentity.newStudy()));

            assertTrue(trusted.delivered(), trusted.toString());
            assertFalse(untrusted.delivered(), "the JDK's trust store does not know the test CA");
            assertTrue(untrusted.retryable());
            assertTrue(untrusted.detail().contains("SSLHandshakeException"), untrusted.detail());
            assertEquals(1, tlsRis.received().size());
        }
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, TestPki.PASSWORD.toCharArray());
        }
        return store;
    }

    private static Hl7Destination destination(Hl7Peer peer) {
        return new Hl7Destination(peer, "HOSP-CXR", PARIS, Duration.ofSeconds(2), Duration.ofMillis(1500), null);
    }
}
