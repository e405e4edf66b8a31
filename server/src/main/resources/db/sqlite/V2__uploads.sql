-- Files uploaded with POST /v1/files for use in *_url inputs. The bytes live in the file store under
-- storage_key; times are epoch milliseconds (UTC). Expired rows and their files are swept away.
CREATE TABLE uploads (
  id           TEXT PRIMARY KEY,
  owner        TEXT NOT NULL,
  storage_key  TEXT NOT NULL UNIQUE,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        INTEGER NOT NULL CHECK (bytes > 0),
  sha256       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  CHECK (expires_at > created_at)
);

CREATE INDEX uploads_by_owner ON uploads (owner, created_at);
CREATE INDEX uploads_by_expiry ON uploads (expires_at);
