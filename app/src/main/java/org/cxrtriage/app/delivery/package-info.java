/**
 * Result delivery senders: each turns one study's triage result ({@link org.cxrtriage.app.delivery.ResultMessage})
 * into what one kind of destination understands and sends it once, returning an
 * {@link org.cxrtriage.app.delivery.Attempt} (delivered, or failed and whether a retry can help).
 *
 * <ul>
 *   <li>{@link org.cxrtriage.app.delivery.DicomSrDestination}: a TID 1500 Comprehensive 3D SR
 *       ({@link org.cxrtriage.app.delivery.StructuredReportBuilder}) stored to a PACS with C-STORE.</li>
 *   <li>{@link org.cxrtriage.app.delivery.Hl7Destination}: HL7 v2.5.1 ORU^R01, and optionally OMI^O23, over MLLP.</li>
 *   <li>{@link org.cxrtriage.app.delivery.WebhookDestination} and {@link org.cxrtriage.app.delivery.EmailDestination}:
 *       critical-finding notifications, only where {@link org.cxrtriage.app.delivery.Notification#applies} holds.</li>
 * </ul>
 *
 * <p>Contracts the outbox relies on: a sender holds no per-message state and may be called from
 * several workers at once; its output is a pure function of the message, so a retry is the same
 * SR instance, the same HL7 control IDs and the same webhook delivery id; it never throws for a
 * peer failure or an odd header value; and it never blocks longer than its configured timeouts.
 * Destination lists come from {@link org.cxrtriage.app.delivery.DeliveryTargets}.
 */
package org.cxrtriage.app.delivery;
