-- A task that only one agent may take (the chat API's agent models, `"model": "<agent>"`):
-- the orchestrator scores and dispatches it among that agent alone. NULL: any agent that
-- offers the capability, by score.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS agent text;
