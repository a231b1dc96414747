-- A task the gateway has accepted but the orchestrator has not routed yet: POST /tasks
-- records it as 'requested' before publishing task.requested, so GET /tasks/:id finds it
-- at once; the orchestrator takes the row over when the event arrives.

ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check
  CHECK (status IN ('requested', 'dispatched', 'succeeded', 'failed'));
