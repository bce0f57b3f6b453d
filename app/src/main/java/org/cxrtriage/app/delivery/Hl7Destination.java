package org.cxrtriage.app.delivery;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.PipeParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sends each result to one RIS as an HL7 v2.5.1 ORU^R01 over MLLP and, when the destination asks
 * for it ({@code ;omi}) and the AI raised the priority of a scored study, an OMI^O23 priority
 * update on the same connection right after the ORU is accepted. Delivered means every message
 * was answered AA (or CA).
 */
public final class Hl7Destination implements Destination {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7Destination.class);

    private final Hl7Peer peer;
    private final Hl7Messages messages;
    private final MllpClient mllp;
    private final PipeParser parser;
    private final Duration ackTimeout;

    /**
     * @param sendingFacility MSH-4, e.g. the hospital's code for this server
     * @param zone            the zone of the message's date-times (written with their offset)
     * @param ackTimeout      how long to wait for each acknowledgement
     * @param tls             TLS sockets for a {@code ;tls} peer (e.g. from an SSLContext with the
     *                        hospital's CA); null uses the JDK's default trust store
     */
    public Hl7Destination(Hl7Peer peer, String sendingFacility, ZoneId zone, Duration connectTimeout,
                          Duration ackTimeout, SSLSocketFactory tls) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.messages = new Hl7Messages(Objects.requireNonNullElse(sendingFacility, ""), zone);
        this.mllp = new MllpClient(tls, connectTimeout, ackTimeout);
        this.ackTimeout = ackTimeout;
        HapiContext context = new DefaultHapiContext();
        this.parser = context.getPipeParser();
    }

    @Override
    public String kind() {
        return "hl7";
    }

    @Override
    public String describe() {
        return "HL7 v2.5.1 ORU^R01" + (peer.omi() ? " and OMI^O23" : "") + " to " + peer;
    }

    /** Whether this message gets an OMI^O23 after its ORU^R01. */
    boolean sendsPriorityUpdate(ResultMessage message) {
        return peer.omi() && message.raisedByAi() && message.outcome() == ResultMessage.Outcome.SCORED;
    }

    @Override
    public Attempt send(ResultMessage message) {
        long start = System.nanoTime();
        List<String> encoded = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            encoded.add(parser.encode(messages.observationReport(message, peer)));
            names.add("ORU^R01 " + Hl7Messages.controlId(message, 'R'));
            if (sendsPriorityUpdate(message)) {
                encoded.add(parser.encode(messages.priorityUpdate(message, peer)));
                names.add("OMI^O23 " + Hl7Messages.controlId(message, 'O'));
            }
        } catch (HL7Exception | RuntimeException e) {
            LOG.error("HL7 for study {} revision {} could not be built", message.studyInstanceUid(), message.revision(), e);
            return Attempt.fail("could not build the HL7 message: " + e.getMessage(), Attempt.since(start));
        }
        Attempt attempt = exchange(encoded, names, start);
        LOG.debug("HL7 for study {} revision {} to {}: {}", message.studyInstanceUid(), message.revision(), peer, attempt);
        return attempt;
    }

    private Attempt exchange(List<String> encoded, List<String> names, long start) {
        List<Acknowledgement> acks;
        try {
            acks = mllp.exchange(peer.host(), peer.port(), peer.tls(), encoded);
        } catch (SocketTimeoutException e) {
            return Attempt.retry(peer + ": no acknowledgement within " + ackTimeout.toMillis() + " ms", Attempt.since(start));
        } catch (IOException e) {
            return Attempt.retry(peer + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), Attempt.since(start));
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            Acknowledgement ack = acks.get(i);
            String expectedId = names.get(i).substring(names.get(i).indexOf(' ') + 1);
            if (!ack.accepted()) {
                String detail = peer + " did not accept " + names.get(i) + ": " + ack.describe();
                return ack.retryable() ? Attempt.retry(detail, Attempt.since(start)) : Attempt.fail(detail, Attempt.since(start));
            }
            if (!ack.controlId().equals(expectedId)) {
                return Attempt.retry(peer + " answered " + names.get(i) + " with an ACK for '" + ack.controlId() + "'",
                        Attempt.since(start));
            }
            accepted.add(names.get(i) + " " + ack.code());
        }
        return Attempt.delivered(String.join(", ", accepted), Attempt.since(start));
    }
}
