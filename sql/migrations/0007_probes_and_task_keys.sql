-- Dependency checks carried in the registry: each agent's declarative HTTP probes
-- ([{name, url, expectStatus: {min, max}, timeoutMs}]), written with its capabilities at
-- deploy (the migration Job) and at start (the embedded host), so the orchestrator runs
-- them itself on every host instead of only the checks bundled into its own process.
ALTER TABLE agents ADD COLUMN IF NOT EXISTS dependency_checks jsonb NOT NULL DEFAULT '[]'::jsonb;

-- POST /tasks with an Idempotency-Key header: the first request's task, so a client that
-- retries after a lost response gets that task back instead of a second one. The
-- fingerprint (SHA-256 of the request as accepted) tells a retry from a different request
-- reusing the key. A key is kept for 24 hours (created_at, ms since the epoch).
CREATE TABLE IF NOT EXISTS task_idempotency_keys (
  scope           text   NOT NULL DEFAULT '',
  idempotency_key text   NOT NULL,
  fingerprint     text   NOT NULL,
  task_id         text   NOT NULL,
  created_at      bigint NOT NULL,
  PRIMARY KEY (scope, idempotency_key)
);
