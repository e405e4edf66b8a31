-- What the cluster's nodes last saw of each ComfyUI server: a node whose job finds a server failing marks it down
-- for every node, and any node whose health check passes afterwards marks it up again. `version` grows with each
-- change, so a check that passed before a newer failure was recorded cannot undo it (compare-and-set). SQLite (one
-- node) has no such table: its node keeps what it sees to itself.
CREATE TABLE comfyui_health (
  server     TEXT PRIMARY KEY,
  healthy    BOOLEAN NOT NULL,
  version    BIGINT NOT NULL,
  reason     TEXT NOT NULL,
  node       TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
