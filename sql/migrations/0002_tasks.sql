-- Routing: the agent registry, tasks, the task history scoring reads,
-- every routing decision with its score cards, and LLM usage.

CREATE TABLE IF NOT EXISTS agents (
  name          text        PRIMARY KEY,
  function_name text        NOT NULL,
  description   text        NOT NULL DEFAULT '',
  -- [{name, weight, preferred, dependencies: [check names]}]
  capabilities  jsonb       NOT NULL DEFAULT '[]'::jsonb,
  status        text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'offline')),
  registered_at timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS tasks (
  id           text        PRIMARY KEY,
  capability   text        NOT NULL,
  payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  priority     integer     NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
  timeout_seconds integer  NOT NULL DEFAULT 120 CHECK (timeout_seconds > 0),
  requested_by text,
  status       text        NOT NULL CHECK (status IN ('dispatched', 'succeeded', 'failed')),
  result       jsonb,
  error        jsonb,
  -- number of the current (or last) attempt
  attempt      integer     NOT NULL DEFAULT 0,
  -- [{agentId, attempt, dispatchedAt, deadline, success?, error?, durationMs?}]
  attempts     jsonb       NOT NULL DEFAULT '[]'::jsonb,
  agent_id     text,
  deadline     timestamptz,
  trace_id     text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX IF NOT EXISTS tasks_overdue ON tasks (deadline) WHERE status = 'dispatched';
CREATE INDEX IF NOT EXISTS tasks_recent ON tasks (created_at DESC);

-- As in the original plan, plus the task and attempt a row records, so a result
-- delivered twice is recorded once.
CREATE TABLE IF NOT EXISTS agent_task_history (
  id          bigserial   PRIMARY KEY,
  agent_id    text        NOT NULL,
  capability  text        NOT NULL,
  success     boolean     NOT NULL,
  duration_ms integer,
  error_type  text,
  context     jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  task_id     text,
  attempt     integer,
  UNIQUE (task_id, attempt)
);
CREATE INDEX IF NOT EXISTS idx_history_agent_capability
  ON agent_task_history (agent_id, capability, created_at DESC);

CREATE TABLE IF NOT EXISTS routing_decisions (
  id          bigserial   PRIMARY KEY,
  task_id     text        NOT NULL,
  attempt     integer     NOT NULL,
  capability  text        NOT NULL,
  chosen      text,
  -- 'score' (highest final score), 'probe' (a recovering agent's share), 'none'
  reason      text        NOT NULL,
  candidates  jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (task_id, attempt)
);

CREATE TABLE IF NOT EXISTS llm_usage (
  id                bigserial   PRIMARY KEY,
  model             text        NOT NULL,
  offline           boolean     NOT NULL DEFAULT false,
  prompt_tokens     integer     NOT NULL,
  completion_tokens integer     NOT NULL,
  cost_usd          numeric(14, 8) NOT NULL DEFAULT 0,
  duration_ms       integer,
  outcome           text        NOT NULL DEFAULT 'ok',
  agent_id          text,
  capability        text,
  task_id           text,
  user_id           text,
  session_id        text,
  trace_id          text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS llm_usage_agent_day ON llm_usage (agent_id, created_at);
CREATE INDEX IF NOT EXISTS llm_usage_task ON llm_usage (task_id);
