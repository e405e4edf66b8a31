-- Signing keys the nodes of a cluster share (file URLs, event-stream tokens, webhook signatures), so what one node
-- signs every other node accepts. Made by the first node that needs one; base64 of 32 random bytes.
CREATE TABLE shared_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
