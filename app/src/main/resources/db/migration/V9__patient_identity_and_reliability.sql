-- The patient's identity is (Issuer of Patient ID, Patient ID): keep the issuer beside the ID.
-- patient_key becomes "pat-" + 128 bits of the site-keyed HMAC (PatientIdentity); rows made
-- before it are re-keyed at start-up (PatientKeyUpgrade), since the key lives outside the database.
ALTER TABLE study ADD COLUMN issuer_of_patient_id VARCHAR(64);

-- The reliability verdict of each scored result against its model's reference profile, and the
-- facts of the scored image (intensity, geometry, header values) that population monitoring
-- compares with the profile. Facts are stored as JSON objects, one number or text per key.
ALTER TABLE triage_result ADD COLUMN reliable BOOLEAN;
ALTER TABLE triage_result ADD COLUMN reliability_reason VARCHAR(500);
ALTER TABLE triage_result ADD COLUMN reliability_score DOUBLE PRECISION;
ALTER TABLE triage_result ADD COLUMN calling_ae_title VARCHAR(16);
ALTER TABLE triage_result ADD COLUMN numeric_facts VARCHAR(8000);
ALTER TABLE triage_result ADD COLUMN categorical_facts VARCHAR(4000);
ALTER TABLE triage_result ADD COLUMN patient_age_years INTEGER;
ALTER TABLE triage_result ADD COLUMN patient_sex VARCHAR(16);
CREATE INDEX triage_result_created ON triage_result (created_at);
