package org.cxrtriage.app.security;

import org.cxrtriage.compliance.AuditAction;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.OwnerOnlyFiles;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.security.LoginThrottle.Admission;
import org.cxrtriage.app.security.UserStore.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides who a request comes from, for the web pages, the JSON API and FHIR alike: a session
 * token (the web sign-in cookie, or the same kind of token sent as {@code Authorization: Bearer})
 * or HTTP Basic credentials. Sessions live in the database ({@link SessionStore}) and are checked
 * on every request, so signing out, a password change or disabling a user ends them at once on
 * every node. Password checks are admitted by {@link LoginThrottle}; failures and blocks are audited.
 */
@Singleton
public final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    /** How long verified Basic credentials are remembered, so API clients do not pay bcrypt per call. */
    private static final Duration BASIC_CACHE = Duration.ofMinutes(5);

    /** The outcome of checking a request's credentials. */
    public sealed interface Outcome {
        /** No credentials at all. */
        record Anonymous() implements Outcome {
        }

        record SignedIn(Principal principal) implements Outcome {
        }

        /** Credentials were given and are wrong, expired or throttled; {@code retryAfter} when throttled. */
        record Refused(String reason, Optional<Duration> retryAfter) implements Outcome {
        }
    }

    private record Remembered(int sessionEpoch, Instant until) {
    }

    private final UserStore users;
    private final SessionStore sessions;
    private final LoginThrottle throttle;
    private final AuditTrail audit;
    private final byte[] key;
    private final Map<String, Remembered> basicCache = new ConcurrentHashMap<>();

    public Authenticator(UserStore users, SessionStore sessions, LoginThrottle throttle, AuditTrail audit,
                         StorageConfig storage) {
        this.users = users;
        this.sessions = sessions;
        this.throttle = throttle;
        this.audit = audit;
        this.key = secret(storage.dataDir().resolve("session.key"));
    }

    public UserStore users() {
        return users;
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** Checks a request's {@code Authorization} header, else its session cookie. */
    public Outcome authenticate(String authorization, String sessionCookie, String source, String channel) {
        try {
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                return basic(authorization.substring(6).trim(), source, channel);
            }
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return session(authorization.substring(7).trim());
            }
            if (sessionCookie != null && !sessionCookie.isEmpty()) {
                return session(sessionCookie);
            }
            return new Outcome.Anonymous();
        } catch (SQLException e) {
            log.error("could not check credentials: {}", e.getClass().getSimpleName());
            return new Outcome.Refused("the user database is not reachable", Optional.empty());
        }
    }

    /** A sign-in with name and password (the web form, or Basic credentials not yet remembered). */
    public Outcome signIn(String name, char[] password, String source, String channel) {
        Instant now = Instant.now();
        try {
            Admission admission = throttle.admit(name, source, now);
            if (admission instanceof Admission.Refused refused) {
                audit.refusal("USER", name, AuditAction.LOGIN_FAILED, List.of(), source,
                        channel + ": refused without checking, repeated failures from this address");
                return new Outcome.Refused("too many failed sign-ins; try again later", Optional.of(refused.retryAfter()));
            }
            LoginThrottle.Ticket ticket = ((Admission.Admitted) admission).ticket();
            Optional<User> user = users.check(name, password);
            if (user.isEmpty()) {
                LoginThrottle.Failure failure = throttle.failed(ticket, Instant.now());
                audit.refusal("USER", name, AuditAction.LOGIN_FAILED, List.of(), source, channel + ": wrong name or password, or disabled");
                if (failure.startsBlock()) {
                    audit.user(name, AuditAction.LOGIN_BLOCKED, null, List.of("User/" + name), false, source, "sign-in from this address"
                            + " blocked for " + failure.blockedFor().get().toSeconds() + " s after " + failure.consecutive()
                            + " consecutive failures; longer after each further failure");
                }
                return new Outcome.Refused("wrong user name or password", Optional.empty());
            }
            throttle.succeeded(ticket);
            return new Outcome.SignedIn(principal(user.get()));
        } catch (SQLException e) {
            log.error("could not check a sign-in: {}", e.getClass().getSimpleName());
            return new Outcome.Refused("the user database is not reachable", Optional.empty());
        }
    }

    /** Opens a session for a principal who has just signed in; returns its token. */
    public String openSession(Principal principal, String kind, String source) throws SQLException {
        return sessions.open(principal.name(), kind, source, Instant.now());
    }

    /** Ends the session a token belongs to (sign-out). */
    public boolean endSession(String token) throws SQLException {
        return token != null && sessions.revoke(token, "signed out", Instant.now());
    }

    /** Forget remembered Basic credentials (after a change to a user made on this node). */
    public void forget(String name) {
        basicCache.clear();
    }

    private Outcome basic(String encoded, String source, String channel) throws SQLException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Outcome.Refused("malformed Basic credentials", Optional.empty());
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Outcome.Refused("malformed Basic credentials", Optional.empty());
        }
        String name = decoded.substring(0, colon);
        String fingerprint = sign("basic:" + decoded);
        Remembered known = basicCache.get(fingerprint);
        if (known != null && known.until().isAfter(Instant.now())) {
            Optional<User> user = users.find(name);
            if (user.isPresent() && !user.get().disabled() && user.get().sessionEpoch() == known.sessionEpoch()) {
                return new Outcome.SignedIn(principal(user.get()));
            }
        }
        Outcome outcome = signIn(name, decoded.substring(colon + 1).toCharArray(), source, channel + " (HTTP Basic)");
        if (outcome instanceof Outcome.SignedIn) {
            users.find(name).ifPresent(current ->
                    basicCache.put(fingerprint, new Remembered(current.sessionEpoch(), Instant.now().plus(BASIC_CACHE))));
        }
        return outcome;
    }

    private Outcome session(String token) throws SQLException {
        Optional<SessionStore.Session> session = sessions.find(token, Instant.now());
        if (session.isEmpty()) {
            return new Outcome.Refused("session ended or expired; sign in again", Optional.empty());
        }
        Optional<User> user = users.find(session.get().user());
        if (user.isEmpty() || user.get().disabled()) {
            return new Outcome.Refused("session ended; sign in again", Optional.empty());
        }
        return new Outcome.SignedIn(principal(user.get()));
    }

    private static Principal principal(User user) {
        return new Principal(user.name(), user.role(), !user.mustChangePassword());
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

    private static byte[] secret(Path file) {
        try {
            if (Files.exists(file)) {
                return HexFormat.of().parseHex(Files.readString(file).trim());
            }
            Files.createDirectories(file.getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            OwnerOnlyFiles.write(file, HexFormat.of().formatHex(key) + "\n");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the session key " + file, e);
        }
    }
}
