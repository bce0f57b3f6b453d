package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * Result delivery ({@code triage.delivery.*}): where results go and how the outbox tries.
 *
 * @param resultsDicom TRIAGE_RESULTS_DICOM, {@code AET@host:port[,...]}: PACS that receive the SR
 * @param resultsHl7   TRIAGE_RESULTS_HL7, {@code host:port[;omi][;tls][;app=NAME][;facility=NAME][,...]}: RIS
 * @param hl7Facility  TRIAGE_HL7_FACILITY: MSH-4, our sending facility
 * @param workers      TRIAGE_DELIVERY_WORKERS: sender threads per node (0: this node sends nothing)
 * @param giveUp       TRIAGE_DELIVERY_GIVE_UP: a delivery still failing this long after it was queued is marked failed
 * @param retryMax     TRIAGE_DELIVERY_RETRY_MAX: the longest wait between attempts (1 s, 2 s, 4 s, ... up to this)
 * @param lease        TRIAGE_DELIVERY_LEASE: how long a node holds a delivery it is sending before another may take it;
 *                     at least twice {@code timeout}
 * @param timeout      TRIAGE_DELIVERY_TIMEOUT: the most one attempt may take (association, answer, acknowledgement)
 * @param poll         TRIAGE_DELIVERY_POLL: how often an idle sender looks for work
 */
@ConfigurationProperties("triage.delivery")
public record DeliveryConfig(
        @Bindable(defaultValue = "") String resultsDicom,
        @Bindable(defaultValue = "") String resultsHl7,
        @Bindable(defaultValue = "") String hl7Facility,
        @Bindable(defaultValue = "2") @Min(0) int workers,
        @Bindable(defaultValue = "24h") Duration giveUp,
        @Bindable(defaultValue = "5m") Duration retryMax,
        @Bindable(defaultValue = "2m") Duration lease,
        @Bindable(defaultValue = "30s") Duration timeout,
        @Bindable(defaultValue = "250ms") Duration poll) {

    /** The connection part of an attempt: at most 5 s, and never more than the whole attempt. */
    public Duration connectTimeout() {
        return timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5);
    }

    /** Refuses settings the outbox cannot work with; each message names the variable and the fix. */
    public void check() {
        positive("TRIAGE_DELIVERY_GIVE_UP", giveUp, "24h");
        positive("TRIAGE_DELIVERY_RETRY_MAX", retryMax, "5m");
        positive("TRIAGE_DELIVERY_TIMEOUT", timeout, "30s");
        positive("TRIAGE_DELIVERY_POLL", poll, "250ms");
        if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("TRIAGE_DELIVERY_LEASE is " + lease + ", less than twice"
                    + " TRIAGE_DELIVERY_TIMEOUT (" + timeout + "): another node could take over what this one is still"
                    + " sending (an HL7 destination with ;omi waits for two acknowledgements); make it at least "
                    + timeout.multipliedBy(2).toSeconds() + "s, e.g. 2m");
        }
    }

    private static void positive(String variable, Duration value, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(variable + " is " + value + ": give a positive duration such as " + example);
        }
    }
}
