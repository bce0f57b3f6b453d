package org.cxrtriage.app.delivery;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * DICOM UIDs derived from names rather than drawn at random, so the same input always gives the
 * same UID: a re-sent SR is the same instance (idempotent at the PACS), a model version always has
 * the same Device Observer UID and a finding the same tracking UID across corrections.
 *
 * <p>Each UID is a name-based UUID (version 5, SHA-1, PS3.5 B.2 allows any UUID) under the root
 * {@code 2.25}. The name always starts with a purpose label, so two purposes never collide.
 */
final class DerivedUids {

    private DerivedUids() {
    }

    /** The SR instance for one result: same study, revision and result id, same UID. */
    static String srInstance(String studyInstanceUid, int revision, long resultId) {
        return of("cxr-triage/sr-instance", studyInstanceUid, Integer.toString(revision), Long.toString(resultId));
    }

    /** The one series holding all our SRs of a study (every revision and correction). */
    static String srSeries(String studyInstanceUid) {
        return of("cxr-triage/sr-series", studyInstanceUid);
    }

    /** The Device Observer UID of one model file (id, version and SHA-256). */
    static String device(String modelId, String modelVersion, String sha256) {
        return of("cxr-triage/device", modelId, modelVersion, sha256);
    }

    /** The tracking UID of one finding in one study: stable across revisions. */
    static String tracking(String studyInstanceUid, String findingKey) {
        return of("cxr-triage/tracking", studyInstanceUid, findingKey);
    }

    /** Used only when a message's Study Instance UID is not a valid UID (cannot happen for DICOM input). */
    static String replacementStudy(String invalidStudyInstanceUid) {
        return of("cxr-triage/replacement-study", invalidStudyInstanceUid);
    }

    static String of(String... parts) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-1").digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
        byte[] uuid = Arrays.copyOf(hash, 16);
        uuid[6] = (byte) ((uuid[6] & 0x0f) | 0x50);
        uuid[8] = (byte) ((uuid[8] & 0x3f) | 0x80);
        return "2.25." + new BigInteger(1, uuid);
    }
}
