package org.cxrtriage.app.triage.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Which new studies a canary decides: those whose calling AE title is among the canary's callers
 * (any caller when none are named), and, among them, those whose Study Instance UID falls into the
 * canary's share. The share is a pure function of the UID (SHA-256, first four bytes, modulo 100),
 * so every node, and every re-score of the same study, makes the same choice.
 */
public final class CanaryAssignment {

    private CanaryAssignment() {
    }

    /** 0–99, the same on every node for the same UID. */
    public static int bucket(String studyInstanceUid) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(studyInstanceUid.getBytes(StandardCharsets.US_ASCII));
            long value = ((hash[0] & 0xFFL) << 24) | ((hash[1] & 0xFFL) << 16) | ((hash[2] & 0xFFL) << 8) | (hash[3] & 0xFFL);
            return (int) (value % 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static boolean decides(String studyInstanceUid, Optional<String> callingAeTitle, int percent, List<String> callers) {
        if (!callers.isEmpty() && callingAeTitle.map(ae -> !callers.contains(ae.trim())).orElse(true)) {
            return false;
        }
        return bucket(studyInstanceUid) < percent;
    }
}
