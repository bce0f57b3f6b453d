package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Links to a study in other systems and in ours ({@code triage.links.*}).
 *
 * @param viewerUrl   TRIAGE_VIEWER_URL: the PACS viewer, a template with {@code {studyUid}} and {@code {accession}},
 *                    e.g. {@code https://pacs.example/viewer?StudyInstanceUID={studyUid}}; empty: no link
 * @param worklistUrl TRIAGE_WORKLIST_URL: the public base URL of this worklist, for links in notifications;
 *                    empty: {@code http://<this host>:<HTTP port>/}
 */
@ConfigurationProperties("triage.links")
public record LinksConfig(
        @Bindable(defaultValue = "") String viewerUrl,
        @Bindable(defaultValue = "") String worklistUrl) {
}
