package org.cxrtriage.app.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * POSTs a signed JSON notification (see {@link NotificationPayload}, {@link WebhookSignature}) to
 * one URL for each result {@link Notification#applies} to. Any 2xx answer is delivery. Redirects
 * are not followed (a signed notification goes only where it was configured to go).
 *
 * <p>Worth retrying: no connection, a timeout, 408, 429 and 5xx. Final: other 3xx and 4xx (the
 * receiver refuses the request as it is, e.g. 401 for a secret it does not share).
 */
public final class WebhookDestination implements Destination {

    public static final String DELIVERY_HEADER = "X-CXR-Delivery";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDestination.class);

    private final URI endpoint;
    private final String secret;
    private final boolean includePatient;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;

    /**
     * @param secret         the shared signing secret, at least {@value WebhookSignature#MINIMUM_SECRET_LENGTH} characters
     * @param includePatient add the patient's name, ID and issuer to the body (off unless the
     *                       receiver is entitled to them)
     * @param timeout        for the whole request, answer included
     */
    public WebhookDestination(URI endpoint, String secret, boolean includePatient, Duration connectTimeout,
                              Duration timeout, Clock clock) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        if (secret == null || secret.length() < WebhookSignature.MINIMUM_SECRET_LENGTH) {
            throw new DeliveryConfigurationException("the webhook signing secret (TRIAGE_NOTIFY_WEBHOOK_SECRET) must have"
                    + " at least " + WebhookSignature.MINIMUM_SECRET_LENGTH + " characters; make one with"
                    + " 'openssl rand -hex 32' and give the same value to the receiver");
        }
        this.secret = secret;
        this.includePatient = includePatient;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public String describe() {
        return "webhook " + endpoint.getScheme() + "://" + endpoint.getHost()
                + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + endpoint.getRawPath();
    }

    @Override
    public boolean wants(ResultMessage message) {
        return Notification.applies(message);
    }

    @Override
    public Attempt send(ResultMessage message) {
        long start = System.nanoTime();
        if (!Notification.applies(message)) {
            return Attempt.fail("not a notification: only scored results the AI raised for a critical finding are",
                    Attempt.since(start));
        }
        byte[] body = NotificationPayload.json(message, includePatient);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "cxr-triage")
                .header(DELIVERY_HEADER, Notification.deliveryId(message))
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Attempt attempt = post(request, start);
        LOG.debug("notification {} for study {} to {}: {}", Notification.deliveryId(message), message.studyInstanceUid(),
                describe(), attempt);
        return attempt;
    }

    /** POSTs a signed body that is not a study's result (an {@link OperationsNotice}); outcomes as for {@link #send}. */
    Attempt sendNotice(byte[] body, String deliveryId) {
        long start = System.nanoTime();
        long timestamp = clock.instant().getEpochSecond();
        return post(HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "cxr-triage")
                .header(DELIVERY_HEADER, deliveryId)
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), start);
    }

    private Attempt post(HttpRequest request, long start) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            String detail = describe() + ": HTTP " + status + answer(response.body());
            if (status >= 200 && status < 300) {
                return Attempt.delivered("HTTP " + status, Attempt.since(start));
            }
            boolean retryable = status == 408 || status == 429 || status >= 500;
            return retryable ? Attempt.retry(detail, Attempt.since(start)) : Attempt.fail(detail, Attempt.since(start));
        } catch (HttpTimeoutException e) {
            return Attempt.retry(describe() + ": no answer within " + timeout.toMillis() + " ms", Attempt.since(start));
        } catch (IOException e) {
            return Attempt.retry(describe() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    Attempt.since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempt.retry(describe() + ": interrupted", Attempt.since(start));
        }
    }

    private static String answer(String body) {
        String text = SafeText.clean(body, 200);
        return text.isEmpty() ? "" : " (" + text + ")";
    }
}
