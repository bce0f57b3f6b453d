package org.cxrtriage.app.delivery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * How a webhook receiver knows a notification comes from us, unchanged and fresh. Each request
 * carries
 * <pre>
 * X-CXR-Timestamp: 1796030142                      (Unix seconds when this attempt was sent)
 * X-CXR-Signature: sha256=5d2c...                  (lower-case hex)
 * </pre>
 * where the signature is HMAC-SHA256, keyed with the shared secret (its UTF-8 bytes), over the
 * ASCII timestamp, one full stop and the exact request body bytes: {@code timestamp + "." + body}.
 * A receiver recomputes it over the raw body it received (before any JSON parsing), compares in
 * constant time, and rejects a timestamp further than a few minutes from its clock, so a captured
 * request cannot be replayed later. {@link #verify} does all three and can be copied as the
 * reference for receivers in other languages.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-CXR-Signature";
    public static final String TIMESTAMP_HEADER = "X-CXR-Timestamp";
    public static final String ALGORITHM_PREFIX = "sha256=";
    /** How far a timestamp may be from the receiver's clock. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    /** Shorter secrets are refused at start-up: they can be guessed offline from one captured request. */
    public static final int MINIMUM_SECRET_LENGTH = 16;

    private WebhookSignature() {
    }

    /** The {@value #SIGNATURE_HEADER} value for this body sent at {@code timestampSeconds}. */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        return ALGORITHM_PREFIX + HexFormat.of().formatHex(mac(secret, Long.toString(timestampSeconds), body));
    }

    /**
     * Checks a received request.
     *
     * @param timestampHeader the {@value #TIMESTAMP_HEADER} value as received
     * @param signatureHeader the {@value #SIGNATURE_HEADER} value as received
     * @param body            the raw body bytes as received
     * @param now             the receiver's clock
     * @param tolerance       how far the timestamp may be from {@code now}, e.g. {@link #DEFAULT_TOLERANCE}
     * @return true only if the signature matches and the timestamp is within the tolerance
     */
    public static boolean verify(String secret, String timestampHeader, String signatureHeader, byte[] body,
                                 Instant now, Duration tolerance) {
        if (secret == null || secret.isEmpty() || timestampHeader == null || signatureHeader == null || body == null
                || !signatureHeader.startsWith(ALGORITHM_PREFIX) || !timestampHeader.matches("[0-9]{1,12}")) {
            return false;
        }
        long sent = Long.parseLong(timestampHeader);
        if (Math.abs(now.getEpochSecond() - sent) > tolerance.toSeconds()) {
            return false;
        }
        byte[] received;
        try {
            received = HexFormat.of().parseHex(signatureHeader.substring(ALGORITHM_PREFIX.length()));
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(mac(secret, timestampHeader, body), received);
    }

    private static byte[] mac(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
