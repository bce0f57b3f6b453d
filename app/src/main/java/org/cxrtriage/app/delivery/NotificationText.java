package org.cxrtriage.app.delivery;

import org.cxrtriage.app.delivery.ResultMessage.Finding;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A critical-finding notification in words, for e-mail: the webhook's content without patient
 * name or ID. Every value is cleaned, so no header line can be injected through a finding name.
 */
final class NotificationText {

    private NotificationText() {
    }

    static String subject(ResultMessage message) {
        List<Finding> critical = Notification.criticalFindings(message);
        String findings = critical.stream().map(f -> SafeText.clean(f.display(), SafeText.SHORT))
                .collect(Collectors.joining(", "));
        String accession = SafeText.clean(message.study().accessionNumber(), SafeText.SHORT);
        return "[cxr-triage] " + SafeText.clean(message.priority(), 16).toUpperCase(Locale.ROOT) + ": " + findings
                + " flagged by AI" + (accession.isEmpty() ? "" : " (accession " + accession + ")")
                + (message.isCorrection() ? " [corrected]" : "");
    }

    static String body(ResultMessage message) {
        StringBuilder text = new StringBuilder();
        text.append("cxr-triage raised a study's worklist priority because of a critical finding.\n\n");
        text.append("Priority: ").append(SafeText.clean(message.priority(), 16)).append(" (raised by the AI)\n");
        text.append("Critical findings:\n");
        for (Finding finding : Notification.criticalFindings(message)) {
            text.append("  - ").append(SafeText.clean(finding.display(), SafeText.MEDIUM));
            if (Double.isFinite(finding.probability())) {
                text.append(": ").append(ReportContent.percent(finding.probability())).append(" %");
            }
            if (finding.threshold().isPresent() && Double.isFinite(finding.threshold().get())) {
                text.append(" (operating point ").append(ReportContent.percent(finding.threshold().get())).append(" %)");
            }
            text.append('\n');
        }
        text.append("Accession number: ").append(SafeText.clean(message.study().accessionNumber(), SafeText.SHORT)).append('\n');
        text.append("Study Instance UID: ").append(SafeText.clean(message.studyInstanceUid(), SafeText.SHORT)).append('\n');
        text.append("Scored at: ").append(message.scoredAt()).append('\n');
        if (message.isCorrection()) {
            text.append("This corrects revision ").append(message.supersedes().orElseThrow().revision())
                    .append(" of this study's result.\n");
        }
        message.worklistUrl().ifPresent(url -> text.append("Worklist: ").append(SafeText.clean(url, 2048)).append('\n'));
        message.viewerUrl().ifPresent(url -> text.append("Viewer: ").append(SafeText.clean(url, 2048)).append('\n'));
        text.append("Model: ").append(SafeText.clean(message.model().id() + " " + message.model().version(), SafeText.MEDIUM))
                .append('\n');
        text.append("\nAI triage output: not a diagnosis and not verified by a physician.\n");
        return text.toString();
    }
}
