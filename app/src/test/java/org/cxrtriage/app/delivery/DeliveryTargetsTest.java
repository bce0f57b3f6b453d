package org.cxrtriage.app.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryTargetsTest {

    @Test
    void dicomPeersAreParsedInOrder() {
        assertEquals(List.of(new DicomPeer("PACS1", "10.0.0.5", 104), new DicomPeer("ARCHIVE", "pacs.example.org", 11112),
                        new DicomPeer("V6", "::1", 4242)),
                DeliveryTargets.dicom(" PACS1@10.0.0.5:104 , ,ARCHIVE@pacs.example.org:11112,V6@[::1]:4242"));
    }

    @Test
    void anEmptyOrUnsetVariableMeansNoDestination() {
        assertEquals(List.of(), DeliveryTargets.dicom(null));
        assertEquals(List.of(), DeliveryTargets.hl7(""));
        assertEquals(List.of(), DeliveryTargets.webhooks(" , "));
    }

    @Test
    void hl7PeersTakeOptions() {
        assertEquals(List.of(new Hl7Peer("ris.example.org", 2575, true, false, "RIS", "MAIN"),
                        new Hl7Peer("10.0.0.9", 6661, false, true, "", "")),
                DeliveryTargets.hl7("ris.example.org:2575;omi;app=RIS;facility=MAIN,10.0.0.9:6661;TLS"));
    }

    @Test
    void webhooksMustUseTlsUnlessTheyStayOnThisMachine() {
        assertEquals(List.of(URI.create("https://alerts.example.org/cxr"), URI.create("http://127.0.0.1:9000/hook"),
                        URI.create("http://localhost/x")),
                DeliveryTargets.webhooks("https://alerts.example.org/cxr,http://127.0.0.1:9000/hook,http://localhost/x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dicom | PACS1@10.0.0.5         | TRIAGE_RESULTS_DICOM: entry 'PACS1@10.0.0.5' has no port; write AET@host:port, e.g. PACS1@10.0.0.5:104",
            "dicom | 10.0.0.5:104           | TRIAGE_RESULTS_DICOM: entry '10.0.0.5:104' has no AE title; write AET@host:port",
            "dicom | A-TITLE-LONGER-THAN-16@h:104 | TRIAGE_RESULTS_DICOM: entry 'A-TITLE-LONGER-THAN-16@h:104' has an AE title that is not 1 to 16",
            "dicom | PACS@host:70000        | TRIAGE_RESULTS_DICOM: entry 'PACS@host:70000' has port 70000, outside 1-65535",
            "hl7   | ris:2575;mllp2         | TRIAGE_RESULTS_HL7: entry 'ris:2575;mllp2' has an unknown option 'mllp2'; write host:port with optional ;omi",
            "hl7   | ris                    | TRIAGE_RESULTS_HL7: entry 'ris' has no port",
            "webhooks | http://alerts.example.org/x | TRIAGE_NOTIFY_WEBHOOKS: entry 'http://alerts.example.org/x' uses plain http to another machine",
            "webhooks | ftp://alerts/x      | TRIAGE_NOTIFY_WEBHOOKS: entry 'ftp://alerts/x' is not an absolute http(s) URL with a host; write https://",
            "webhooks | https://a b/        | TRIAGE_NOTIFY_WEBHOOKS: entry 'https://a b/' is not a URL"})
    void aBadEntryNamesTheVariableTheEntryAndTheFix(String kind, String value, String expectedStart) {
        DeliveryConfigurationException error = assertThrows(DeliveryConfigurationException.class, () -> {
            switch (kind) {
                case "dicom" -> DeliveryTargets.dicom(value);
                case "hl7" -> DeliveryTargets.hl7(value);
                default -> DeliveryTargets.webhooks(value);
            }
        });
        assertTrue(error.getMessage().startsWith(expectedStart), error.getMessage());
    }
}
