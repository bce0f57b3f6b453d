-- Which canonical form each record's hash covers (see AuditRecord): 1 for records written before
-- this version (resources joined by newlines), 2 from now on (resources as a JSON array, each
-- length-prefixed in the hash), so a resource or detail holding any character verifies.
ALTER TABLE audit_record ADD COLUMN canonical_format SMALLINT DEFAULT 1 NOT NULL;
