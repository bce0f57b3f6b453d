package org.cxrtriage.app.worklist;

import io.micronaut.context.annotation.Context;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Provider;
import org.cxrtriage.app.config.LinksConfig;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links to a study: in the PACS viewer (TRIAGE_VIEWER_URL, a template) and on this worklist
 * (TRIAGE_WORKLIST_URL). The template is checked at start-up: only {@code {studyUid}} and
 * {@code {accession}} may appear, and the result must be an absolute http(s) URL. Values are
 * URL-encoded into it.
 */
@Context
public final class StudyLinks {

    static final String VIEWER_VARIABLE = "TRIAGE_VIEWER_URL";
    static final String WORKLIST_VARIABLE = "TRIAGE_WORKLIST_URL";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> PLACEHOLDERS = Set.of("studyUid", "accession");

    private final String viewerTemplate;
    private final String worklistBase;
    private final Provider<EmbeddedServer> server;

    public StudyLinks(LinksConfig config, Provider<EmbeddedServer> server) {
        this.viewerTemplate = config.viewerUrl() == null ? "" : config.viewerUrl().strip();
        this.worklistBase = config.worklistUrl() == null ? "" : config.worklistUrl().strip();
        this.server = server;
        checkViewerTemplate(viewerTemplate);
        if (!worklistBase.isEmpty()) {
            absoluteHttp(WORKLIST_VARIABLE, worklistBase, worklistBase, "https://triage.hospital.example/");
        }
    }

    /** The study in the PACS viewer, when a viewer is configured. */
    public Optional<String> viewer(String studyUid, String accession) {
        if (viewerTemplate.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(fill(viewerTemplate, studyUid, accession));
    }

    /** The study on this worklist: the base URL with {@code ?study=<uid>}. */
    public String worklist(String studyUid) {
        String base = worklistBase.isEmpty() ? defaultBase() : worklistBase;
        return (base.endsWith("/") ? base : base + "/") + "?study=" + encode(studyUid);
    }

    private String defaultBase() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "http://" + host + ":" + server.get().getPort() + "/";
    }

    private static void checkViewerTemplate(String template) {
        if (template.isEmpty()) {
            return;
        }
        Matcher placeholder = PLACEHOLDER.matcher(template);
        while (placeholder.find()) {
            if (!PLACEHOLDERS.contains(placeholder.group(1))) {
                throw new IllegalArgumentException(VIEWER_VARIABLE + ": '" + template + "' has the unknown placeholder {"
                        + placeholder.group(1) + "}; use {studyUid} and {accession}, e.g."
                        + " https://pacs.example/viewer?StudyInstanceUID={studyUid}&accession={accession}");
            }
        }
        absoluteHttp(VIEWER_VARIABLE, template, fill(template, "1.2.3", "A1"),
                "https://pacs.example/viewer?StudyInstanceUID={studyUid}");
    }

    private static void absoluteHttp(String variable, String value, String filled, String example) {
        try {
            URI uri = new URI(filled);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(variable + ": '" + value + "' is not an absolute http(s) URL; e.g. " + example);
    }

    private static String fill(String template, String studyUid, String accession) {
        return template.replace("{studyUid}", encode(studyUid)).replace("{accession}", encode(accession));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
