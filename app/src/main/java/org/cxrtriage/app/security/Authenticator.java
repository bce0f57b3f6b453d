package org.cxrtriage.app.security;

import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.security.UserStore.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
 * token (the web sign-in cookie, or the same token sent as {@code Authorization: Bearer}) or HTTP
 * Basic credentials. Tokens are HMAC-signed {@code name.epoch.expiry.signature}; the key lives in
 * the data directory so every node accepts them, and the epoch ends all of a user's sessions when
 * the password changes or the user is disabled. Failed attempts are throttled and audited.
 */
@Singleton
public final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    public static final Duration SESSION = Duration.ofHours(12);
    /** How long a user's role and state are trusted before the database is asked again. */
    private static final Duration USER_CACHE = Duration.ofSeconds(5);
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

    private record Cached<T>(T value, Instant until) {
    }

    private final UserStore users;
    private final LoginThrottle throttle;
    private final AuditTrail audit;
    private final byte[] key;
    private final Map<String, Cached<Optional<User>>> userCache = new ConcurrentHashMap<>();
    private final Map<String, Cached<Integer>> basicCache = new ConcurrentHashMap<>();

    public Authenticator(DataSource dataSource, LoginThrottle throttle, AuditTrail audit, StorageConfig storage) {
        this.users = new UserStore(dataSource);
        this.throttle = throttle;
        this.audit = audit;
        this.key = secret(storage.dataDir().resolve("session.key"));
    }

    public UserStore users() {
        return users;
    }

    /** Checks a request's {@code Authorization} header, else its session cookie. */
    public Outcome authenticate(String authorization, String sessionCookie, String source, String channel) {
        try {
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                return basic(authorization.substring(6).trim(), source, channel);
            }
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return token(authorization.substring(7).trim());
            }
            if (sessionCookie != null && !sessionCookie.isEmpty()) {
                return token(sessionCookie);
            }
            return new Outcome.Anonymous();
        } catch (SQLException e) {
            log.error("could not check credentials: {}", e.getMessage());
            return new Outcome.Refused("the user database is not reachable", Optional.empty());
        }
    }

    /** A sign-in with name and password (the web form); on success a new session token. */
    public Outcome signIn(String name, char[] password, String source, String channel) {
        try {
            Optional<Duration> wait = throttle.wait(name, source);
            if (wait.isPresent()) {
                audit.user(name, "login.failed", null, List.of(), false, source, channel + ": throttled after repeated failures");
                return new Outcome.Refused("too many failed sign-ins; try again later", wait);
            }
            Optional<User> user = users.check(name, password);
            if (user.isEmpty()) {
                throttle.failed(name, source);
                audit.user(name, "login.failed", null, List.of(), false, source, channel + ": wrong name or password, or disabled");
                return new Outcome.Refused("wrong user name or password", Optional.empty());
            }
            throttle.succeeded(name);
            userCache.put(name, new Cached<>(user, Instant.now().plus(USER_CACHE)));
            return new Outcome.SignedIn(new Principal(name, user.get().role()));
        } catch (SQLException e) {
            log.error("could not check a sign-in: {}", e.getMessage());
            return new Outcome.Refused("the user database is not reachable", Optional.empty());
        }
    }

    /** A signed session token for a user who has just signed in. */
    public String issueToken(Principal principal, Instant now) throws SQLException {
        int epoch = currentUser(principal.name()).map(User::sessionEpoch).orElse(0);
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(principal.name().getBytes(StandardCharsets.UTF_8))
                + "." + epoch + "." + now.plus(SESSION).getEpochSecond();
        return body + "." + sign(body);
    }

    /** Forget what is cached about a user (after a change made on this node). */
    public void forget(String name) {
        userCache.remove(name);
        basicCache.values().removeIf(entry -> true);
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
        Cached<Integer> known = basicCache.get(fingerprint);
        Optional<User> user = currentUser(name);
        if (known != null && known.until().isAfter(Instant.now()) && user.isPresent() && !user.get().disabled()
                && user.get().sessionEpoch() == known.value()) {
            return new Outcome.SignedIn(new Principal(name, user.get().role()));
        }
        Outcome outcome = signIn(name, decoded.substring(colon + 1).toCharArray(), source, channel + " (HTTP Basic)");
        if (outcome instanceof Outcome.SignedIn) {
            currentUser(name).ifPresent(current ->
                    basicCache.put(fingerprint, new Cached<>(current.sessionEpoch(), Instant.now().plus(BASIC_CACHE))));
        }
        return outcome;
    }

    private Outcome token(String token) throws SQLException {
        String[] parts = token.split("\\.");
        if (parts.length != 4) {
            return new Outcome.Refused("malformed session token", Optional.empty());
        }
        String body = parts[0] + "." + parts[1] + "." + parts[2];
        if (!MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.US_ASCII))) {
            return new Outcome.Refused("session token not genuine", Optional.empty());
        }
        String name;
        int epoch;
        long expiry;
        try {
            name = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            epoch = Integer.parseInt(parts[1]);
            expiry = Long.parseLong(parts[2]);
        } catch (IllegalArgumentException e) {
            return new Outcome.Refused("malformed session token", Optional.empty());
        }
        if (Instant.now().getEpochSecond() >= expiry) {
            return new Outcome.Refused("session expired; sign in again", Optional.empty());
        }
        Optional<User> user = currentUser(name);
        if (user.isEmpty() || user.get().disabled() || user.get().sessionEpoch() != epoch) {
            return new Outcome.Refused("session ended; sign in again", Optional.empty());
        }
        return new Outcome.SignedIn(new Principal(name, user.get().role()));
    }

    private Optional<User> currentUser(String name) throws SQLException {
        Cached<Optional<User>> cached = userCache.get(name);
        if (cached != null && cached.until().isAfter(Instant.now())) {
            return cached.value();
        }
        Optional<User> user = users.find(name);
        userCache.put(name, new Cached<>(user, Instant.now().plus(USER_CACHE)));
        return user;
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
