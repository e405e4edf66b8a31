-- Sign-ins of the web app: the SHA-256 of a session cookie (never the cookie itself), the key it speaks for (a key
-- id, or admin-env for the operator's KINO_ADMIN_KEY), the CSRF token every change made with it must carry, and
-- when it ends. Sign-out deletes the row; a key revoked or expired ends its sessions at their next use.
CREATE TABLE web_sessions (
  id_hash    TEXT PRIMARY KEY,
  key_id     TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
