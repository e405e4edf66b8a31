-- API keys: only a SHA-256 hash of each key is stored; the plaintext is shown once at creation.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL,
  admin       INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);

-- Jobs. seq gives FIFO order; times are epoch milliseconds (UTC).
CREATE TABLE jobs (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  owner            TEXT NOT NULL,
  model_id         TEXT NOT NULL,
  input            TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('in_queue', 'in_progress', 'completed', 'failed', 'cancelled')),
  attempt          INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
  lease_token      TEXT,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  progress         REAL CHECK (progress IS NULL OR (progress >= 0 AND progress <= 1)),
  output           TEXT,
  error            TEXT,
  metadata         TEXT,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  -- The state rules, where no code path can skip them:
  CHECK ((status = 'in_progress') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CHECK ((status IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
  CHECK (status <> 'completed' OR output IS NOT NULL),
  CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_by_owner ON jobs (owner, seq);
CREATE INDEX jobs_by_lease ON jobs (status, lease_expires_at);
