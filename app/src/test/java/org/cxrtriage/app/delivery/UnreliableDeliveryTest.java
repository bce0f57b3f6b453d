package org.cxrtriage.app.delivery;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.StructuredReport;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ModelVersions;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Orthanc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ServerSocketFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 with an UNRELIABLE result, end to end (the Java phantoms all score as reliable, so this
 * was tested only at sender level): the active model is a version of the reference model whose
 * reference profile refuses every image and whose critical operating points are 0, so the AI's
 * raw output would call every critical finding present. The reliability verdict must win all the
 * way out: a pneumothorax study goes to a real PACS (Orthanc) as an SR whose findings are all
 * "Undetermined" and whose text says unreliable and why, and to an MLLP receiver as ORU^R01 whose
 * finding OBXs are IND; no critical-finding webhook goes out and the priority is not raised.
 */
class UnreliableDeliveryTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String MODEL = "cxr-unreliable";

    private Path dir;
    private Orthanc pacs;
    private MllpResponder ris;
    private WebhookReceiver hooks;
    private TriageServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (pacs != null) {
            pacs.close();
        }
        if (ris != null) {
            ris.close();
        }
        if (hooks != null) {
            hooks.close();
        }
    }

    @Test
    void anUnreliableResultReachesPacsAndRisAsIndeterminateAndPagesNobody() throws Exception {
        dir = Files.createTempDirectory("unreliable-delivery");
        Path data = dir.resolve("data");
        installRejectingModel(data.resolve("models").resolve(MODEL));
        pacs = Orthanc.configure(dir.resolve("orthanc")).aeTitle("PACS").option("DicomCheckCalledAet", "true").start();
        ris = new MllpResponder(ServerSocketFactory.getDefault(), message -> MllpResponder.acknowledge(message, "AA", "", ""));
        hooks = new WebhookReceiver();
        server = TriageServer.start(Database.H2, data, Map.of(
                "triage.models.active", MODEL,
                "triage.delivery.results-dicom", "PACS@127.0.0.1:" + pacs.dicomPort(),
                "triage.delivery.results-hl7", "127.0.0.1:" + ris.port() + ";app=RIS;facility=MAIN",
                "triage.notify.webhooks", hooks.url(),
                "triage.notify.webhook-secret", SECRET));
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 41);
        String study = pneumothorax.studyInstanceUid();
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(pneumothorax.file())).allSucceeded(1));

        server.awaitCount(2, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND state = 'SENT'", study);
        server.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND kind = 'webhook'"
                + " AND state = 'SKIPPED'", study);
        List<Object> result = server.query("SELECT reliable, reliability_reason, model_id FROM triage_result"
                + " WHERE study_instance_uid = ? AND shadow = FALSE", study).get(0);
        assertEquals(Boolean.FALSE, result.get(0), "precondition: the verdict refused the image");
        assertEquals(MODEL, result.get(2));
        String why = (String) result.get(1);
        assertFalse(why == null || why.isBlank(), "the verdict gives its reason");
        long positives = server.count("SELECT COUNT(*) FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                + " WHERE r.study_instance_uid = ? AND f.positive = TRUE AND f.critical = TRUE", study);
        long modelFindings = server.count("SELECT COUNT(*) FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                + " WHERE r.study_instance_uid = ? AND r.shadow = FALSE", study);
        assertTrue(positives > 0, "precondition: the raw output calls critical findings present (operating points 0)");
        assertEquals(List.of(List.of("routine", "unreliable")), server.query("SELECT priority, business_status"
                + " FROM worklist_item WHERE study_instance_uid = ?", study), "an unreliable score never raises priority");

        String srUid = (String) server.query("SELECT sr_instance_uid FROM delivery WHERE study_instance_uid = ?"
                + " AND kind = 'dicom' AND state = 'SENT'", study).get(0).get(0);
        AttributeList sr = SrValidation.read(pacs.instanceFile(pacs.instanceId(srUid).orElseThrow(
                () -> new AssertionError("Orthanc has no SR " + srUid + "\n" + pacs.log()))));
        assertEquals(List.of(), SrValidation.problems(sr), "PixelMed's DicomSRValidator");
        String tree = new StructuredReport(sr).toString();
        long findings = count(tree, "CODE: Finding = ");
        assertEquals(modelFindings, findings, "every finding of the model is reported: " + tree);
        assertEquals(findings, count(tree, "= Undetermined"), "each finding's evaluation is (373068000, SCT) Undetermined: " + tree);
        List<String> evaluations = new ArrayList<>();
        evaluations((ContentItem) new StructuredReport(sr).getRoot(), evaluations);
        assertEquals(findings, evaluations.size(), evaluations.toString());
        assertEquals(List.of("373068000^SCT"), evaluations.stream().distinct().toList(),
                "each finding's qualitative evaluation is the SCT code for Undetermined (CID 230)");
        assertEquals(0, count(tree, "= Present"), "no finding is reported present: " + tree);
        assertEquals(0, count(tree, "= Absent"), tree);
        assertTrue(tree.contains("Comment = Triage outcome: unreliable: " + why), "the SR says unreliable and why: " + tree);
        assertFalse(tree.contains("raised by the AI"), tree);

        List<String> orus = ris.received();
        assertEquals(1, orus.size(), String.join("\n\n", orus));
        ORU_R01 oru = parse(orus.get(0));
        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        assertEquals("P", order.getOBR().getResultStatus().getValue(), "OBR-25: preliminary");
        List<String> flags = new ArrayList<>();
        String outcome = "";
        for (int i = 0; i < order.getOBSERVATIONReps(); i++) {
            OBX obx = order.getOBSERVATION(i).getOBX();
            assertEquals("P", obx.getObservationResultStatus().getValue(), "OBX-11 of " + obx.encode());
            String code = obx.getObservationIdentifier().getIdentifier().getValue();
            if ("121071".equals(code)) {
                flags.add(obx.getAbnormalFlags(0).getValue());
            } else if ("OUTCOME".equals(code)) {
                outcome = obx.getObservationValue(0).encode();
            }
            for (var flag : obx.getAbnormalFlags()) {
                assertFalse(List.of("POS", "NEG", "A", "AA", "N", "H", "L").contains(flag.getValue()),
                        "OBX-8 is IND, never a positive, negative or abnormal flag: " + obx.encode());
            }
        }
        assertEquals(modelFindings, flags.size(), orus.get(0));
        assertEquals(List.of("IND"), flags.stream().distinct().toList(), "OBX-8 IND for every finding: " + orus.get(0));
        assertTrue(outcome.startsWith("unreliable: "), orus.get(0));

        assertEquals(List.of(), hooks.received().stream().map(hook -> new String(hook.body(), java.nio.charset.StandardCharsets.UTF_8)).toList(),
                "no critical-finding notification for an unreliable result");
    }

    /** The reference model with a profile that refuses every image and critical operating points at 0, under its own id. */
    private static void installRejectingModel(Path target) throws Exception {
        ModelVersions.reference(target, "9.0.0-rejects", true, true);
        ObjectMapper json = new ObjectMapper();
        Path manifest = target.resolve("manifest.json");
        ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
        root.put("id", MODEL);
        json.writeValue(manifest.toFile(), root);
    }

    /** The coded values of CODE items inside measurement groups whose concept is the finding itself (not "Finding"). */
    private static void evaluations(ContentItem item, List<String> out) {
        for (int i = 0; i < item.getChildCount(); i++) {
            ContentItem child = (ContentItem) item.getChildAt(i);
            if (child instanceof ContentItemFactory.CodeContentItem code && item.getConceptNameCodeValue() != null
                    && "125007".equals(item.getConceptNameCodeValue()) && !"121071".equals(child.getConceptNameCodeValue())) {
                CodedSequenceItem value = code.getConceptCode();
                out.add(value.getCodeValue() + "^" + value.getCodingSchemeDesignator());
            }
            evaluations(child, out);
        }
    }

    private static ORU_R01 parse(String message) throws Exception {
        try (HapiContext context = new DefaultHapiContext()) {
            context.setValidationContext(new NoValidation());
            PipeParser parser = context.getPipeParser();
            return (ORU_R01) parser.parse(message);
        }
    }

    private static long count(String text, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
        long n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
