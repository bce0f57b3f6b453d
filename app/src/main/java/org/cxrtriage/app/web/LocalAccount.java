package org.cxrtriage.app.web;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.StorageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The web worklist's sign-in until users and roles arrive: one configured local account
 * (TRIAGE_UI_USER, TRIAGE_UI_PASSWORD). Without a configured password a random one is generated
 * once, written to {@code <data>/ui-password} (owner-only) and named in the log. Sessions are
 * HMAC-signed cookies with an expiry; the key lives in the data directory so every node of a
 * cluster accepts them.
 */
@Singleton
public final class LocalAccount {

    private static final Logger log = LoggerFactory.getLogger(LocalAccount.class);
    static final Duration SESSION = Duration.ofHours(12);

    private final String user;
    private final byte[] passwordHash;
    private final byte[] key;

    public LocalAccount(StorageConfig storage,
                        @Property(name = "triage.ui.user", defaultValue = "radiologist") String user,
                        @Property(name = "triage.ui.password", defaultValue = "") String password) {
        this.user = user;
        try {
            Files.createDirectories(storage.dataDir());
            String effective = password.isEmpty() ? generatedPassword(storage.dataDir().resolve("ui-password")) : password;
            this.passwordHash = sha256(effective.getBytes(StandardCharsets.UTF_8));
            this.key = secret(storage.dataDir().resolve("ui-session.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String user() {
        return user;
    }

    /** Constant-time check of a sign-in attempt. */
    public boolean matches(String name, String password) {
        return name != null && password != null && user.equals(name)
                && MessageDigest.isEqual(passwordHash, sha256(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** A session token for the user: {@code user.expiry.signature}. */
    public String session(Instant now) {
        String body = user + "." + now.plus(SESSION).getEpochSecond();
        return body + "." + sign(body);
    }

    /** The signed-in user of a session token, if it is genuine and not expired. */
    public Optional<String> verify(String token, Instant now) {
        if (token == null) {
            return Optional.empty();
        }
        int last = token.lastIndexOf('.');
        int middle = last > 0 ? token.lastIndexOf('.', last - 1) : -1;
        if (middle <= 0) {
            return Optional.empty();
        }
        String body = token.substring(0, last);
        if (!MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII),
                token.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            long expiry = Long.parseLong(token.substring(middle + 1, last));
            return now.getEpochSecond() < expiry ? Optional.of(token.substring(0, middle)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String generatedPassword(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.writeString(file, password + "\n");
        ownerOnly(file);
        log.warn("no TRIAGE_UI_PASSWORD set: generated a password for the web worklist user; it is in {} (readable"
                + " by this account only). Set TRIAGE_UI_USER and TRIAGE_UI_PASSWORD to choose your own", file);
        return password;
    }

    private static byte[] secret(Path file) throws IOException {
        if (Files.exists(file)) {
            return HexFormat.of().parseHex(Files.readString(file).trim());
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
        ownerOnly(file);
        return key;
    }

    private static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("could not restrict permissions of {}: {}", file, e.getMessage());
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
