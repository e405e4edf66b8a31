-- The shape a job's webhook is sent in: null or 'kino' (Kino's {type, timestamp, data}), 'fal' (fal's payload, for a
-- request made with fal_webhook=) or 'replicate' (the prediction, for one made with Replicate's webhook).
ALTER TABLE jobs ADD COLUMN webhook_format TEXT;
