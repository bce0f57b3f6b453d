package org.cxrtriage.app.delivery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSignatureTest {

    private static final String SECRET = "s3cret-shared-with-the-receiver";
    private static final long SENT = 1_796_030_142L;
    private static final byte[] BODY = "{\"type\":\"cxr-triage.critical-finding\",\"probability\":0.93}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void theSignatureIsTheHmacOfTimestampDotBodyAsOpensslComputesIt() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", SECRET).start();
        openssl.getOutputStream().write((SENT + ".").getBytes(StandardCharsets.US_ASCII));
        openssl.getOutputStream().write(BODY);
        openssl.getOutputStream().close();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS));
        String hex = output.substring(output.lastIndexOf(' ') + 1);

        assertEquals("sha256=" + hex, WebhookSignature.sign(SECRET, SENT, BODY));
    }

    @Test
    void aFreshUntouchedRequestVerifies() {
        String signature = WebhookSignature.sign(SECRET, SENT, BODY);

        assertTrue(WebhookSignature.verify(SECRET, Long.toString(SENT), signature, BODY,
                Instant.ofEpochSecond(SENT + 299), WebhookSignature.DEFAULT_TOLERANCE));
    }

    @Test
    void anythingChangedOrStaleIsRefused() {
        String signature = WebhookSignature.sign(SECRET, SENT, BODY);
        Instant now = Instant.ofEpochSecond(SENT + 10);
        Duration tolerance = WebhookSignature.DEFAULT_TOLERANCE;
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("0.93", "0.03").getBytes(StandardCharsets.UTF_8);

        assertFalse(WebhookSignature.verify(SECRET, Long.toString(SENT), signature, tampered, now, tolerance), "body");
        assertFalse(WebhookSignature.verify(SECRET, Long.toString(SENT + 1), signature, BODY, now, tolerance), "timestamp");
        assertFalse(WebhookSignature.verify("another-secret-entirely", Long.toString(SENT), signature, BODY, now, tolerance));
        assertFalse(WebhookSignature.verify(SECRET, Long.toString(SENT), signature, BODY,
                Instant.ofEpochSecond(SENT + 301), tolerance), "replayed after five minutes");
        assertFalse(WebhookSignature.verify(SECRET, Long.toString(SENT), signature, BODY,
                Instant.ofEpochSecond(SENT - 301), tolerance), "from the future");
        for (String malformed : List.of("", "sha1=" + signature.substring(7), "sha256=zz", signature.substring(7))) {
            assertFalse(WebhookSignature.verify(SECRET, Long.toString(SENT), malformed, BODY, now, tolerance), malformed);
        }
        assertFalse(WebhookSignature.verify(SECRET, "-5", signature, BODY, now, tolerance));
        assertFalse(WebhookSignature.verify(SECRET, null, signature, BODY, now, tolerance));
        assertFalse(WebhookSignature.verify("", Long.toString(SENT), signature, BODY, now, tolerance));
    }
}
