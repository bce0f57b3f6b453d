-- Ingest hardening: what each instance is to triage, a content hash that tells a changed re-send
-- from an identical one, lossy compression, and a keyed hash of the patient identity, so a study
-- whose instances disagree about the patient is flagged instead of merged silently.
-- Written once for PostgreSQL and for H2 in PostgreSQL mode.

-- RADIOGRAPH (CR, DX, SC with pixel data: triaged), OTHER_IMAGE or NON_IMAGE (recorded, audited,
-- never scored). Rows from before V7 were all CR, DX or SC images.
ALTER TABLE instance ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'RADIOGRAPH';
-- SHA-256 (hex) of the data set bytes as received, file meta information excluded; NULL for rows
-- recorded before V7 (a re-send of those counts as changed, so nothing is absorbed unseen).
ALTER TABLE instance ADD COLUMN content_sha256 VARCHAR(64);
-- Lossy Image Compression (0028,2110) = 01, or pixel data received in a lossy transfer syntax.
ALTER TABLE instance ADD COLUMN lossy_compression BOOLEAN NOT NULL DEFAULT FALSE;
-- HMAC-SHA-256 (hex) of Issuer of Patient ID and Patient ID under the site key <data>/patient-id.key,
-- 'absent' when the instance has no Patient ID, NULL for rows recorded before V7 (not compared).
ALTER TABLE instance ADD COLUMN patient_identity VARCHAR(64);
-- When a changed re-send (a correction) last replaced this instance.
ALTER TABLE instance ADD COLUMN corrected_at TIMESTAMP WITH TIME ZONE;
-- NULL when the object is not kept in the spool (not a radiograph and TRIAGE_DICOM_KEEP_NON_IMAGES
-- off); such rows get pixels_deleted_at = received_at, so retention has nothing to do for them.
ALTER TABLE instance ALTER COLUMN spool_path DROP NOT NULL;

-- study.status gains NO_RADIOGRAPH: the study holds only objects triage ignores (SR, KOS, CT, ...);
-- it becomes RECEIVING, and is assembled and triaged, when its first radiograph arrives.
-- TRUE while the study's current instances carry different patient identities; cleared when a
-- correction makes them agree again.
ALTER TABLE study ADD COLUMN identity_conflict BOOLEAN NOT NULL DEFAULT FALSE;
