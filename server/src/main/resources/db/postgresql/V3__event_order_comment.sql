-- V1's comment on job_events spoke of an advisory lock that ordered event appends across nodes; no code takes it
-- (it was removed for throughput). What holds instead is recorded on the table itself, where psql's \d+ shows it.
COMMENT ON TABLE job_events IS
  'Every change a client may watch. One job''s events commit in seq order (its row is locked by the change first); '
  'across jobs seq may commit out of order, which readers of the whole log allow for (the webhook outbox waits for '
  'missing numbers). No lock orders appends.';
