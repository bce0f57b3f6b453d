-- FHIR API for integrating systems (issue 11, items 12 and 13).

-- Task.meta.versionId: raised on every change of the worklist item, so a client's If-Match can
-- refuse an update based on a stale read (412).
ALTER TABLE worklist_item ADD COLUMN version BIGINT DEFAULT 1 NOT NULL;

-- Search results kept for paging: a `next` link names a row here, so it works on any node sharing
-- the database and is not pushed out by other searches; rows older than the lifetime are deleted.
CREATE TABLE fhir_search (
    id                  VARCHAR(40)              PRIMARY KEY,
    -- the user who searched: only they may page through it
    owner               VARCHAR(100)             NOT NULL,
    total               INTEGER                  NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX fhir_search_created ON fhir_search (created_at);

-- One row per match, in order: the matched resource and what was included with it, as FHIR JSON.
CREATE TABLE fhir_search_entry (
    search_id           VARCHAR(40)              NOT NULL REFERENCES fhir_search (id) ON DELETE CASCADE,
    position            INTEGER                  NOT NULL,
    match_json          VARCHAR(1000000)         NOT NULL,
    included_json       VARCHAR(1000000),
    PRIMARY KEY (search_id, position)
);
