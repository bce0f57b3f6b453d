-- The audit log: append-only, hash-chained (see org.cxrtriage.compliance.chain). Written once
-- for PostgreSQL and H2 in PostgreSQL mode. Ships in the compliance module so its tests run the
-- same schema.

CREATE TABLE audit_record (
    sequence       BIGINT                   PRIMARY KEY,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    actor_type     VARCHAR(16)              NOT NULL,
    actor          VARCHAR(200)             NOT NULL,
    action         VARCHAR(100)             NOT NULL,
    study_uid      VARCHAR(64),
    resources      VARCHAR(2000),
    outcome        VARCHAR(16)              NOT NULL,
    source         VARCHAR(100),
    details        VARCHAR(2000),
    previous_hash  CHAR(64)                 NOT NULL,
    hash           CHAR(64)                 NOT NULL
);

CREATE INDEX audit_record_study ON audit_record (study_uid);
CREATE INDEX audit_record_time ON audit_record (recorded_at);

-- One row: the chain's head, locked by every append so records are numbered without gaps.
CREATE TABLE audit_head (
    id             INTEGER                  PRIMARY KEY,
    sequence       BIGINT                   NOT NULL,
    hash           CHAR(64)                 NOT NULL
);

INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
