-- Kino's schema on PostgreSQL: the same tables, columns and rules as db/sqlite V1 to V6, in one step (a cluster
-- starts from the current shape). Times are epoch milliseconds (UTC); JSON documents are text, as on SQLite, so
-- the stores' SQL is the same on both.

-- API keys: only a SHA-256 hash of each key is stored; the plaintext is shown once at creation.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  admin       INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT
);

CREATE TABLE jobs (
  seq                 BIGSERIAL PRIMARY KEY,
  id                  TEXT NOT NULL UNIQUE,
  owner               TEXT NOT NULL,
  model_id            TEXT NOT NULL,
  input               TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('in_queue', 'in_progress', 'completed', 'failed', 'cancelled')),
  attempt             INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  max_attempts        INTEGER NOT NULL CHECK (max_attempts >= 1),
  lease_token         TEXT,
  lease_owner         TEXT,
  lease_expires_at    BIGINT,
  progress            DOUBLE PRECISION CHECK (progress IS NULL OR (progress >= 0 AND progress <= 1)),
  output              TEXT,
  error               TEXT,
  metadata            TEXT,
  created_at          BIGINT NOT NULL,
  started_at          BIGINT,
  finished_at         BIGINT,
  webhook_url         TEXT,
  webhook_on_start    INTEGER NOT NULL DEFAULT 0 CHECK (webhook_on_start IN (0, 1)),
  base_url            TEXT,
  outputs_deleted_at  BIGINT,
  engine_state        TEXT,
  cancel_requested_at BIGINT,
  run_after           BIGINT,
  CHECK ((status = 'in_progress') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK ((status IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
  CHECK (status <> 'completed' OR output IS NOT NULL),
  CHECK (status <> 'failed' OR error IS NOT NULL)
);
CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_by_owner ON jobs (owner, seq);
CREATE INDEX jobs_by_lease ON jobs (status, lease_expires_at);
CREATE INDEX jobs_by_owner_status ON jobs (owner, status, seq);
CREATE INDEX jobs_queued_by_model ON jobs (status, model_id, seq);

CREATE TABLE uploads (
  id           TEXT PRIMARY KEY,
  owner        TEXT NOT NULL,
  storage_key  TEXT NOT NULL UNIQUE,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        BIGINT NOT NULL CHECK (bytes > 0),
  sha256       TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX uploads_by_owner ON uploads (owner, created_at);
CREATE INDEX uploads_by_expiry ON uploads (expires_at);

-- Every change a client may watch, in commit order: writers that append events take one transaction-level
-- advisory lock first (JobStore), so seq order and commit order agree across nodes as they do on SQLite.
CREATE TABLE job_events (
  seq        BIGSERIAL PRIMARY KEY,
  job_id     TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('status', 'progress', 'log')),
  data       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX job_events_by_job ON job_events (job_id, kind, seq);

CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  event_seq       BIGINT NOT NULL UNIQUE,
  job_id          TEXT NOT NULL,
  owner           TEXT NOT NULL,
  url             TEXT NOT NULL,
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  created_at      BIGINT NOT NULL,
  finished_at     BIGINT,
  CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  BIGINT NOT NULL,
  status_code INTEGER,
  error       TEXT,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

CREATE TABLE outbox_cursor (
  name TEXT PRIMARY KEY,
  seq  BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
  owner       TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  request_id  TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
