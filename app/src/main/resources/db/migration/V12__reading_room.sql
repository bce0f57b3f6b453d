-- The reading room: looking at a study no longer claims it, radiologists' feedback carries a
-- reason, preferences follow a user across workstations, and heatmaps are cached per finding.
-- (V10, V11 and V13+ belong to other changes.)

-- When the current reader claimed the item ("Start reading", FHIR Task in-progress); the reader is
-- Task.owner while the item is in progress. first_opened_at stays the time of the first view.
ALTER TABLE worklist_item ADD COLUMN claimed_at TIMESTAMP WITH TIME ZONE;
-- Until now opening a study claimed it: those items were claimed when first opened.
UPDATE worklist_item SET claimed_at = first_opened_at WHERE status <> 'ready' AND claimed_at IS NULL;

-- finding_feedback.reason (why a radiologist disagreed) is added by V10 (monitoring), which shares it.
-- A radiologist's current view of a finding is their latest row.
CREATE INDEX finding_feedback_latest ON finding_feedback (finding_result_id, actor, id);

-- Per-user settings of the web page (sound, desktop notifications, panel width), one row each.
CREATE TABLE user_preference (
    user_name       VARCHAR(64)              NOT NULL REFERENCES app_user (name),
    name            VARCHAR(64)              NOT NULL,
    setting_value   VARCHAR(200)             NOT NULL,
    changed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_name, name)
);

-- Occlusion-sensitivity maps, computed on request and kept per finding and model file, shown only
-- in the viewer (never added to anything delivered). png is an RGBA overlay of the model input;
-- box is where the model input lies on the image, "x,y,width,height" in image pixels.
CREATE TABLE finding_heatmap (
    finding_result_id BIGINT                   NOT NULL REFERENCES finding_result (id),
    model_sha256      VARCHAR(64)              NOT NULL,
    png               BYTEA                    NOT NULL,
    max_drop          DOUBLE PRECISION         NOT NULL,
    box               VARCHAR(64)              NOT NULL,
    compute_millis    BIGINT                   NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (finding_result_id, model_sha256)
);
