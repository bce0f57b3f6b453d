-- AuditEvent searches page the audit log itself (it can be millions of records): instead of its
-- matches, a stored search keeps the query, pinned to the chain head at search time, so its `next`
-- link works on every node sharing the database, like the other searches' links.
ALTER TABLE fhir_search ADD COLUMN audit_from TIMESTAMP WITH TIME ZONE;
ALTER TABLE fhir_search ADD COLUMN audit_to TIMESTAMP WITH TIME ZONE;
ALTER TABLE fhir_search ADD COLUMN audit_actor VARCHAR(1000);
ALTER TABLE fhir_search ADD COLUMN audit_entity VARCHAR(1000);
-- not null: an AuditEvent search; its results end at this sequence number
ALTER TABLE fhir_search ADD COLUMN audit_through BIGINT;
