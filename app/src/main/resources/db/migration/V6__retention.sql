-- Retention: when an instance's spooled pixel data was deleted. The row, the worklist item and
-- the audit records stay.
ALTER TABLE instance ADD COLUMN pixels_deleted_at TIMESTAMP WITH TIME ZONE;

CREATE INDEX instance_retention ON instance (received_at);
