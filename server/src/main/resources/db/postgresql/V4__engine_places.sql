-- Engine capacity a cluster's nodes share: a place is one job's room on a ComfyUI server (a server has
-- --comfyui-queue-depth of them) or one of a provider account's concurrent tasks. A worker takes a place in the
-- transaction that claims its job; the row carries that job's lease token and expiry, renewed with the job's
-- heartbeat and deleted when the run ends. A place whose lease has expired (its node died) is free again, by the
-- same rule that hands the job itself back to the queue. SQLite (one node) has no such table: its node counts
-- its own places.
CREATE TABLE engine_places (
  place            TEXT PRIMARY KEY,
  job_id           TEXT NOT NULL,
  lease_token      TEXT NOT NULL,
  lease_expires_at BIGINT NOT NULL
);
CREATE INDEX engine_places_by_token ON engine_places (lease_token);
