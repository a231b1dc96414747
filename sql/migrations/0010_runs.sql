-- Durable runs (shared/src/run): long work as a chain of hops, each replaying the run's
-- step log and running the next step. Times are the runtime clock's milliseconds.

CREATE TABLE IF NOT EXISTS runs (
  id            text    PRIMARY KEY,
  function_name text    NOT NULL,
  -- running: has work to do; waiting: blocked on waits only; the rest are final
  status        text    NOT NULL CHECK (status IN ('running', 'waiting', 'succeeded', 'failed', 'cancelled')),
  -- JSON text, kept as written (json would re-parse, jsonb reorders keys)
  input         text    NOT NULL,
  output        text,
  -- {type, message, step?}
  error         jsonb,
  -- the task attempt the run carries out, when it is an agent's
  task_id       text,
  attempt       integer,
  capability    text,
  user_id       text,
  trace_id      text,
  traceparent   text,
  -- how many steps the log holds, and how many hops ran it
  steps         integer NOT NULL DEFAULT 0,
  hops          integer NOT NULL DEFAULT 0,
  -- bumped by every wake-up that finds the run leased; the holder looks again before letting go
  wake          bigint  NOT NULL DEFAULT 0,
  lease_owner   text,
  lease_until   bigint,
  cancel_requested_at bigint,
  cancel_requested_by text,
  created_at    bigint  NOT NULL,
  updated_at    bigint  NOT NULL,
  finished_at   bigint
);
CREATE INDEX IF NOT EXISTS runs_recent ON runs (created_at DESC);
CREATE INDEX IF NOT EXISTS runs_task ON runs (task_id, attempt);
CREATE INDEX IF NOT EXISTS runs_active ON runs (updated_at) WHERE status IN ('running', 'waiting');

-- The step log: one row per step, in the order the run asked for them.
CREATE TABLE IF NOT EXISTS run_steps (
  run_id        text    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position      integer NOT NULL,
  name          text    NOT NULL,
  kind          text    NOT NULL CHECK (kind IN ('do', 'llm', 'sleep', 'wait', 'task', 'approval')),
  status        text    NOT NULL CHECK (status IN ('running', 'retrying', 'waiting', 'succeeded', 'failed', 'cancelled')),
  attempts      integer NOT NULL DEFAULT 0,
  -- JSON text of the result; NULL for undefined
  result        text,
  error         jsonb,
  -- {promptTokens, completionTokens, costUsd, calls, model} of an llm step
  usage         jsonb,
  function_name text    NOT NULL,
  -- what a waiting step waits for: a child task id, an approval id, an event type (+ match)
  wait_type     text,
  wait_key      text,
  wait_match    jsonb,
  -- when a wait times out or a sleep ends; when a retrying step is tried again
  deadline      bigint,
  started_at    bigint,
  ended_at      bigint,
  PRIMARY KEY (run_id, position),
  UNIQUE (run_id, name)
);
CREATE INDEX IF NOT EXISTS run_steps_due ON run_steps (deadline) WHERE status IN ('waiting', 'retrying');
CREATE INDEX IF NOT EXISTS run_steps_waits ON run_steps (wait_type, wait_key) WHERE status = 'waiting';

-- Events of a type some run waits for, kept a while so that a wait registered after its
-- event arrived still finds it.
CREATE TABLE IF NOT EXISTS run_arrivals (
  function_name text   NOT NULL,
  event_type    text   NOT NULL,
  source        text   NOT NULL,
  event_id      text   NOT NULL,
  data          jsonb,
  event         jsonb  NOT NULL,
  received_at   bigint NOT NULL,
  PRIMARY KEY (function_name, source, event_id)
);
CREATE INDEX IF NOT EXISTS run_arrivals_type ON run_arrivals (function_name, event_type, received_at);

-- Which run and step an LLM call was made for.
ALTER TABLE llm_usage ADD COLUMN IF NOT EXISTS run_id text;
ALTER TABLE llm_usage ADD COLUMN IF NOT EXISTS step text;
CREATE INDEX IF NOT EXISTS llm_usage_run ON llm_usage (run_id);

-- Who hears when a task finishes: a function whose run waits for it (task.finished gets
-- the meshreplyto extension).
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS reply_to text;
