-- Every change a client may watch: status transitions, progress and engine log lines, in commit order.
-- seq is the SSE event id (Last-Event-ID resumes after it). Written in the same transaction as the change.
CREATE TABLE job_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id     TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('status', 'progress', 'log')),
  data       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX job_events_by_job ON job_events (job_id, kind, seq);

-- Where and when to call back; the base URL the client used, for the links a webhook payload carries.
ALTER TABLE jobs ADD COLUMN webhook_url TEXT;
ALTER TABLE jobs ADD COLUMN webhook_on_start INTEGER NOT NULL DEFAULT 0 CHECK (webhook_on_start IN (0, 1));
ALTER TABLE jobs ADD COLUMN base_url TEXT;
-- Set when DELETE /v1/requests/{id} removed the stored outputs; the job record itself stays.
ALTER TABLE jobs ADD COLUMN outputs_deleted_at INTEGER;
CREATE INDEX jobs_by_owner_status ON jobs (owner, status, seq);

-- One row per webhook message. id is the webhook-id header: the same on every attempt.
CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  event_seq       INTEGER NOT NULL UNIQUE,
  job_id          TEXT NOT NULL,
  owner           TEXT NOT NULL,
  url             TEXT NOT NULL,
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  created_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  INTEGER NOT NULL,
  status_code INTEGER,
  error       TEXT,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- How far the webhook outbox has read job_events.
CREATE TABLE outbox_cursor (
  name TEXT PRIMARY KEY,
  seq  INTEGER NOT NULL
);

-- Idempotency-Key per API key: the request id it produced and a fingerprint of the body it came with.
CREATE TABLE idempotency_keys (
  owner       TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
