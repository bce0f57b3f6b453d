package org.cxrtriage.testdata;

import java.util.UUID;

/** Who and what a synthetic instance belongs to. Names and IDs are invented. */
public record PhantomIdentity(
        String patientId,
        String patientName,
        String patientSex,
        String accessionNumber,
        String studyInstanceUid,
        String seriesInstanceUid,
        String sopInstanceUid) {

    /** A fresh patient with one study, one series and one instance, all with unique UIDs. */
    public static PhantomIdentity newStudy() {
        String suffix = Long.toString(Math.abs(UUID.randomUUID().getLeastSignificantBits()) % 1_000_000_000L);
        return new PhantomIdentity("PAT" + suffix, "PHANTOM^CHEST^" + suffix, "F", "ACC" + suffix,
                newUid(), newUid(), newUid());
    }

    /** Another instance in the same series. */
    public PhantomIdentity nextInstance() {
        return new PhantomIdentity(patientId, patientName, patientSex, accessionNumber,
                studyInstanceUid, seriesInstanceUid, newUid());
    }

    /** Another series (with one new instance) in the same study. */
    public PhantomIdentity nextSeries() {
        return new PhantomIdentity(patientId, patientName, patientSex, accessionNumber,
                studyInstanceUid, newUid(), newUid());
    }

    /** A UID under the UUID-derived root 2.25 (PS3.5 B.2), unique without a registered root. */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        java.math.BigInteger value = new java.math.BigInteger(1, toBytes(uuid));
        return "2.25." + value;
    }

    private static byte[] toBytes(UUID uuid) {
        return java.nio.ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
    }
}
