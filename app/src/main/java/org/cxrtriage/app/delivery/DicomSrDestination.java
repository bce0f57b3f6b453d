package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.network.DicomNetworkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends each result as a DICOM SR (see {@link StructuredReportBuilder}) to one PACS with a
 * C-STORE. The SR of a message is always the same instance, so sending it again after a crash or
 * a lost response leaves one copy at the PACS.
 *
 * <p>Retrying is worthwhile after anything that may pass: no connection, a timeout, a transient
 * association rejection, or a failure status other than the few that say the object or our
 * configuration is wrong (A9xx data set does not match SOP class, 0122 SOP class not supported,
 * 0124 not authorised, 0211-0213 protocol errors), a permanent association rejection (wrong AE
 * title) or no presentation context for the SR SOP class.
 */
public final class DicomSrDestination implements Destination {

    private static final Logger LOG = LoggerFactory.getLogger(DicomSrDestination.class);

    private final DicomPeer peer;
    private final StructuredReportBuilder builder;
    private final StoreScu scu;

    /**
     * @param callingAeTitle our AE title as the PACS knows it
     * @param connectTimeout how long to wait for the TCP connection
     * @param timeout        how long the whole exchange (association, store, release) may take
     */
    public DicomSrDestination(DicomPeer peer, String callingAeTitle, StructuredReportBuilder builder,
                              Duration connectTimeout, Duration timeout) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.builder = Objects.requireNonNull(builder, "builder");
        String aeTitle = DicomValues.aeTitle(callingAeTitle);
        if (aeTitle.isEmpty()) {
            throw new DeliveryConfigurationException("the calling AE title for DICOM delivery is empty; set our AE"
                    + " title (TRIAGE_DICOM_AE_TITLE), e.g. CXRTRIAGE");
        }
        this.scu = new StoreScu(aeTitle, connectTimeout, timeout);
    }

    @Override
    public String kind() {
        return "dicom";
    }

    @Override
    public String describe() {
        return "DICOM SR to " + peer;
    }

    @Override
    public Attempt send(ResultMessage message) {
        long start = System.nanoTime();
        AttributeList sr;
        try {
            sr = builder.build(message);
        } catch (DicomException | RuntimeException e) {
            LOG.error("SR for study {} revision {} could not be built", message.studyInstanceUid(), message.revision(), e);
            return Attempt.fail("could not build the SR: " + e, Attempt.since(start));
        }
        String sopInstanceUid = StructuredReportBuilder.sopInstanceUid(message);
        Attempt attempt = store(sr, sopInstanceUid, start);
        LOG.debug("SR {} for study {} revision {} to {}: {}", sopInstanceUid, message.studyInstanceUid(),
                message.revision(), peer, attempt);
        return attempt;
    }

    private Attempt store(AttributeList sr, String sopInstanceUid, long start) {
        try {
            StoreScu.Response response = scu.store(peer.host(), peer.port(), peer.aeTitle(), sr);
            if (response.success() || response.warning()) {
                return Attempt.delivered("stored SR " + sopInstanceUid + ", " + response.describe(), Attempt.since(start));
            }
            String detail = peer + " refused SR " + sopInstanceUid + ": " + response.describe();
            return isFinal(response.status()) ? Attempt.fail(detail, Attempt.since(start))
                    : Attempt.retry(detail, Attempt.since(start));
        } catch (DicomNetworkException e) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("rejected-permanent")) {
                return Attempt.fail(peer + " rejected the association: " + text
                        + " (check the AE titles configured on both sides)", Attempt.since(start));
            }
            if (text.contains("No presentation context")) {
                return Attempt.fail(peer + " does not accept Comprehensive 3D SR ("
                        + StructuredReportBuilder.COMPREHENSIVE_3D_SR + "): " + text, Attempt.since(start));
            }
            return Attempt.retry(peer + ": " + text, Attempt.since(start));
        } catch (IOException e) {
            return Attempt.retry(peer + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), Attempt.since(start));
        } catch (DicomException | RuntimeException e) {
            LOG.error("SR {} to {}: unexpected failure", sopInstanceUid, peer, e);
            return Attempt.retry(peer + ": " + e, Attempt.since(start));
        }
    }

    /** Failure statuses that will repeat on every retry (PS3.4 B.2.3, PS3.7 C). */
    static boolean isFinal(int status) {
        return (status & 0xFF00) == 0xA900 || status == 0x0122 || status == 0x0124
                || status == 0x0211 || status == 0x0212 || status == 0x0213;
    }
}
