-- Embedded installs moved in with `kino migrate`, one row per source data directory (named by the migration-id file
-- it keeps): a move interrupted part way is resumed, not refused as a target that is not empty.
CREATE TABLE imports (
  source_id   TEXT PRIMARY KEY,
  source_path TEXT NOT NULL,
  started_at  BIGINT NOT NULL,
  finished_at BIGINT
);
