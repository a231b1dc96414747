-- A2A tasks: each is one mesh task (tasks.id), with the A2A context it belongs to, the
-- messages exchanged on it and the artifacts it produced, so any gateway replica answers
-- GetTask and resumes a subscription.
CREATE TABLE IF NOT EXISTS a2a_tasks (
  id            text    PRIMARY KEY,
  mesh_task_id  text    NOT NULL UNIQUE,
  context_id    text    NOT NULL,
  -- the agent whose card the task was sent to; null for the fleet's card
  agent         text,
  capability    text    NOT NULL,
  -- the user a bound API key sent it as; null for keys that see every user
  owner         text,
  -- the messages of the task, oldest first, in the A2A v1.0 JSON form
  history       jsonb   NOT NULL DEFAULT '[]'::jsonb,
  -- the artifacts, written once the mesh task has its result
  artifacts     jsonb,
  canceled_at   bigint,
  canceled_by   text,
  created_at    bigint  NOT NULL,
  updated_at    bigint  NOT NULL
);
CREATE INDEX IF NOT EXISTS a2a_tasks_context ON a2a_tasks (context_id, created_at);
CREATE INDEX IF NOT EXISTS a2a_tasks_recent ON a2a_tasks (updated_at DESC, id);
