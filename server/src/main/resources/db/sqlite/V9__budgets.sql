-- A key's budget: at most budget_usd spent per budget_period ('total': ever; 'month': per calendar month, UTC).
-- A submit reserves its job's estimated cost (jobs.reserved_usd) under the key's lock; a completed job counts what
-- it was charged (usage_cost_usd), a failed or cancelled one nothing. So parallel submits cannot overspend, and the
-- reservation settles when the job ends.
ALTER TABLE api_keys ADD COLUMN budget_usd REAL CHECK (budget_usd IS NULL OR budget_usd >= 0);
ALTER TABLE api_keys ADD COLUMN budget_period TEXT CHECK (budget_period IS NULL OR budget_period IN ('total', 'month'));
ALTER TABLE jobs ADD COLUMN reserved_usd REAL;
CREATE INDEX jobs_by_owner_created ON jobs (owner, created_at);
