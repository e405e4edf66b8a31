-- What an engine recorded about its run before it started it (a ComfyUI server and prompt id), so a job that is
-- claimed again finds that run instead of starting a second one.
ALTER TABLE jobs ADD COLUMN engine_state TEXT;
-- Set when a client cancels a running job on an engine that can stop one; the worker stops the run.
ALTER TABLE jobs ADD COLUMN cancel_requested_at INTEGER;
