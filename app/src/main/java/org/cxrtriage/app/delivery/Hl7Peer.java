package org.cxrtriage.app.delivery;

/**
 * A RIS (or interface engine) that accepts HL7 v2.5.1 over MLLP.
 *
 * @param omi                  also send an OMI^O23 priority update when the AI raised the priority
 * @param tls                  MLLP inside TLS (the JDK's trust store decides which certificates are trusted)
 * @param receivingApplication MSH-5, may be empty
 * @param receivingFacility    MSH-6, may be empty
 */
public record Hl7Peer(String host, int port, boolean omi, boolean tls, String receivingApplication,
                      String receivingFacility) {

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + (omi ? ";omi" : "") + (tls ? ";tls" : "");
    }
}
