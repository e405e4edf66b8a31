-- What a job used, recorded once, in the commit that completes it: seconds of video made, the engine's run time,
-- its cost by the model's pricing (NULL when the model has none) and the cost a provider reported, if any. Failed
-- and cancelled jobs are not charged: their columns stay NULL and count as 0. The index serves usage reports by
-- time.
ALTER TABLE jobs ADD COLUMN usage_video_seconds REAL;
ALTER TABLE jobs ADD COLUMN usage_run_seconds REAL;
ALTER TABLE jobs ADD COLUMN usage_cost_usd REAL;
ALTER TABLE jobs ADD COLUMN usage_provider_cost_usd REAL;
CREATE INDEX jobs_by_finished ON jobs (finished_at);
