package org.cxrtriage.app.delivery;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the destination lists from configuration. Each list is comma-separated; blank entries
 * are ignored and an empty or unset variable means no destination of that kind. A bad entry
 * stops start-up with a {@link DeliveryConfigurationException} naming the variable, the entry,
 * what is wrong with it and an example of a good one.
 *
 * <pre>
 * TRIAGE_RESULTS_DICOM=PACS1@10.0.0.5:104,ARCHIVE@pacs.example.org:11112
 * TRIAGE_RESULTS_HL7=ris.example.org:2575;omi;app=RIS;facility=MAIN,10.0.0.9:6661;tls
 * TRIAGE_NOTIFY_WEBHOOKS=https://alerts.example.org/cxr,https://pager.example.org/hook
 * </pre>
 */
public final class DeliveryTargets {

    public static final String DICOM_VARIABLE = "TRIAGE_RESULTS_DICOM";
    public static final String HL7_VARIABLE = "TRIAGE_RESULTS_HL7";
    public static final String WEBHOOKS_VARIABLE = "TRIAGE_NOTIFY_WEBHOOKS";
    public static final String SMTP_VARIABLE = "TRIAGE_NOTIFY_SMTP";

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):([0-9]{1,5})");
    private static final Pattern AE_TITLE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");

    private DeliveryTargets() {
    }

    /** {@code AET@host:port[,...]}: the PACS that receive our SRs. */
    public static List<DicomPeer> dicom(String value) {
        return parse(value, (entry, fix) -> {
            int at = entry.lastIndexOf('@');
            if (at < 0) {
                throw bad(DICOM_VARIABLE, entry, "has no AE title", fix);
            }
            String aeTitle = entry.substring(0, at).trim();
            if (!AE_TITLE.matcher(aeTitle).matches() || aeTitle.isBlank()) {
                throw bad(DICOM_VARIABLE, entry, "has an AE title that is not 1 to 16 printable characters"
                        + " without a backslash", fix);
            }
            HostPort address = hostPort(DICOM_VARIABLE, entry, entry.substring(at + 1).trim(), fix);
            return new DicomPeer(aeTitle, address.host(), address.port());
        }, "write AET@host:port, e.g. PACS1@10.0.0.5:104");
    }

    /** {@code host:port[;omi][;tls][;app=NAME][;facility=NAME][,...]}: the RIS that receive HL7 v2. */
    public static List<Hl7Peer> hl7(String value) {
        return parse(value, (entry, fix) -> {
            String[] parts = entry.split(";");
            HostPort address = hostPort(HL7_VARIABLE, entry, parts[0].trim(), fix);
            boolean omi = false;
            boolean tls = false;
            String application = "";
            String facility = "";
            for (int i = 1; i < parts.length; i++) {
                String option = parts[i].trim();
                String lower = option.toLowerCase(Locale.ROOT);
                if (lower.equals("omi")) {
                    omi = true;
                } else if (lower.equals("tls")) {
                    tls = true;
                } else if (lower.startsWith("app=")) {
                    application = option.substring(4).trim();
                } else if (lower.startsWith("facility=")) {
                    facility = option.substring(9).trim();
                } else if (!option.isEmpty()) {
                    throw bad(HL7_VARIABLE, entry, "has an unknown option '" + option + "'", fix);
                }
            }
            return new Hl7Peer(address.host(), address.port(), omi, tls, application, facility);
        }, "write host:port with optional ;omi ;tls ;app=NAME ;facility=NAME, e.g. ris.example.org:2575;omi;app=RIS");
    }

    /** {@code https://...[,...]}: plain http only to this machine (the body is signed, not encrypted). */
    public static List<URI> webhooks(String value) {
        return parse(value, (entry, fix) -> {
            URI uri;
            try {
                uri = new URI(entry);
            } catch (URISyntaxException e) {
                throw bad(WEBHOOKS_VARIABLE, entry, "is not a URL (" + e.getReason() + ")", fix);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw bad(WEBHOOKS_VARIABLE, entry, "is not an absolute http(s) URL with a host", fix);
            }
            if (scheme.equals("http") && !isLoopback(uri.getHost())) {
                throw bad(WEBHOOKS_VARIABLE, entry, "uses plain http to another machine: notifications about"
                        + " patients must travel over TLS", fix);
            }
            return uri;
        }, "write https://host[:port]/path, e.g. https://alerts.example.org/cxr");
    }

    /** An SMTP server: {@code host:port[;starttls]}. */
    public record SmtpServer(String host, int port, boolean startTls) {
    }

    /** {@code host:port[;starttls]}: the mail server for critical-finding e-mail; empty when unset. */
    public static Optional<SmtpServer> smtp(String value) {
        List<SmtpServer> servers = parse(value, (entry, fix) -> {
            String[] parts = entry.split(";");
            HostPort address = hostPort(SMTP_VARIABLE, entry, parts[0].trim(), fix);
            boolean startTls = false;
            for (int i = 1; i < parts.length; i++) {
                String option = parts[i].trim();
                if (option.equalsIgnoreCase("starttls")) {
                    startTls = true;
                } else if (!option.isEmpty()) {
                    throw bad(SMTP_VARIABLE, entry, "has an unknown option '" + option + "'", fix);
                }
            }
            return new SmtpServer(address.host(), address.port(), startTls);
        }, "write host:port with an optional ;starttls, e.g. smtp.hospital.example:587;starttls");
        if (servers.size() > 1) {
            throw bad(SMTP_VARIABLE, value.trim(), "names more than one server", "give one host:port");
        }
        return servers.stream().findFirst();
    }

    private static <T> List<T> parse(String value, BiFunction<String, String, T> entryParser, String fix) {
        List<T> parsed = new ArrayList<>();
        if (value == null) {
            return parsed;
        }
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                parsed.add(entryParser.apply(entry, fix));
            }
        }
        return List.copyOf(parsed);
    }

    private record HostPort(String host, int port) {
    }

    private static HostPort hostPort(String variable, String entry, String text, String fix) {
        Matcher matcher = HOST_PORT.matcher(text);
        if (!matcher.matches()) {
            throw bad(variable, entry, text.contains(":") ? "has no valid host:port" : "has no port", fix);
        }
        int port = Integer.parseInt(matcher.group(2));
        if (port < 1 || port > 65535) {
            throw bad(variable, entry, "has port " + port + ", outside 1-65535", fix);
        }
        String host = matcher.group(1);
        return new HostPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (java.net.UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static DeliveryConfigurationException bad(String variable, String entry, String problem, String fix) {
        return new DeliveryConfigurationException(variable + ": entry '" + entry + "' " + problem + "; " + fix);
    }
}
