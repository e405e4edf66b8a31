-- A job put back in the queue until a given time (its engine's provider was at its limit): claims skip it until
-- then. NULL: as soon as a worker is free.
ALTER TABLE jobs ADD COLUMN run_after INTEGER;
