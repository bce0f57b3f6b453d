package org.cxrtriage.app.delivery;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how critical-finding e-mails are sent.
 *
 * @param startTls require STARTTLS before anything is sent (the server's certificate and name are checked)
 * @param username empty for a relay that needs no authentication
 * @param from     the sender address, e.g. {@code cxr-triage@hospital.example}
 * @param to       one or more recipients, e.g. the on-call radiology list
 * @param timeout  for connecting and for each SMTP command
 */
public record SmtpSettings(String host, int port, boolean startTls, String username, String password, String from,
                           List<String> to, Duration timeout) {

    public SmtpSettings {
        Objects.requireNonNull(timeout, "timeout");
        username = Objects.requireNonNullElse(username, "");
        password = Objects.requireNonNullElse(password, "");
        to = to == null ? List.of() : List.copyOf(to);
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new DeliveryConfigurationException("the SMTP server '" + host + ":" + port + "' is not a host and a port"
                    + " in 1-65535; e.g. smtp.hospital.example:587");
        }
        address("sender", from);
        if (to.isEmpty()) {
            throw new DeliveryConfigurationException("critical-finding e-mail needs at least one recipient,"
                    + " e.g. radiology-oncall@hospital.example");
        }
        for (String recipient : to) {
            address("recipient", recipient);
        }
    }

    private static void address(String role, String address) {
        try {
            new InternetAddress(address, true);
        } catch (AddressException | NullPointerException e) {
            throw new DeliveryConfigurationException("the e-mail " + role + " '" + address + "' is not an address"
                    + " (e.g. cxr-triage@hospital.example)");
        }
    }
}
