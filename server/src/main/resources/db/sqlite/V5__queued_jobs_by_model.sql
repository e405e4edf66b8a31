-- Workers claim the oldest queued job among their engine's models: find it without walking past queued jobs of
-- other engines.
CREATE INDEX jobs_queued_by_model ON jobs (status, model_id, seq);
