-- Security hardening: sessions kept on the server (so signing out, a password change or disabling
-- a user ends them on every node at once), sign-in throttling per user name and address, and
-- passwords that only their owner knows before patient data can be read.

CREATE TABLE user_session (
    -- SHA-256 (hex) of the session's secret; the secret itself exists only in the client's token.
    id              CHAR(64)                 PRIMARY KEY,
    user_name       VARCHAR(64)              NOT NULL REFERENCES app_user (name),
    -- web (the sign-in cookie) or bearer (POST /api/token)
    kind            VARCHAR(16)              NOT NULL,
    source          VARCHAR(100),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE,
    revoked_reason  VARCHAR(100)
);

CREATE INDEX user_session_user ON user_session (user_name);
CREATE INDEX user_session_expiry ON user_session (expires_at);

-- Replaced by login_throttle: counting and checking were two steps, so parallel guesses all got checked.
DROP TABLE login_failure;

-- Consecutive failed sign-ins of one user name from one address. An attempt first reserves a slot
-- (pending) under a row lock; failures then set an exponentially growing block on that pair only.
CREATE TABLE login_throttle (
    name            VARCHAR(64)              NOT NULL,
    source          VARCHAR(100)             NOT NULL,
    failures        INTEGER                  NOT NULL,
    pending         INTEGER                  NOT NULL,
    pending_since   TIMESTAMP WITH TIME ZONE,
    blocked_until   TIMESTAMP WITH TIME ZONE,
    last_failure_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (name, source)
);

-- Set when somebody else (an administrator, the command line) chose the password: the account may
-- sign in, but reads no patient data until its owner has set a password of their own.
ALTER TABLE app_user ADD COLUMN must_change_password BOOLEAN DEFAULT FALSE NOT NULL;
