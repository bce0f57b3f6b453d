package org.cxrtriage.app.delivery;

/** A DICOM application entity that accepts our SRs: {@code AET@host:port}. */
public record DicomPeer(String aeTitle, String host, int port) {

    @Override
    public String toString() {
        return aeTitle + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
