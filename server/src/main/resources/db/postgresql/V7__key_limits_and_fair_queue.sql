-- What a key may do (each limit NULL when the key sets none: the server's default for user keys then applies), which
-- models it may use (a JSON array of patterns; NULL: every model) and when it stops working.
ALTER TABLE api_keys ADD COLUMN max_running INTEGER CHECK (max_running IS NULL OR max_running >= 0);
ALTER TABLE api_keys ADD COLUMN max_queued INTEGER CHECK (max_queued IS NULL OR max_queued >= 0);
ALTER TABLE api_keys ADD COLUMN submits_per_minute INTEGER CHECK (submits_per_minute IS NULL OR submits_per_minute >= 0);
ALTER TABLE api_keys ADD COLUMN models TEXT;
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;

-- Every owner (key id) that has queued a job: the claim looks for work owner by owner, the one served least recently
-- first, so one key's thousand queued jobs do not make another key's five wait behind them. Each claim numbers its
-- job (claim_turn: one more than the highest so far); an owner's latest number says when it was last served. A
-- key's submits, and the claims of a key with max_running, lock its row, so its limits are counted exactly while
-- several nodes submit and claim at once.
CREATE TABLE job_owners (
  owner TEXT PRIMARY KEY
);
INSERT INTO job_owners (owner) SELECT DISTINCT owner FROM jobs;
ALTER TABLE jobs ADD COLUMN claim_turn BIGINT;
CREATE INDEX jobs_by_claim_turn ON jobs (claim_turn);
CREATE INDEX jobs_by_owner_claim_turn ON jobs (owner, claim_turn);

-- Each owner's submit token bucket (submits_per_minute): what was left at updated_at, in token-milliseconds (a submit
-- costs 60000; a bucket of N per minute gains N each millisecond, up to N submits).
CREATE TABLE submit_buckets (
  owner      TEXT PRIMARY KEY,
  tokens     DOUBLE PRECISION NOT NULL,
  updated_at BIGINT NOT NULL
);
