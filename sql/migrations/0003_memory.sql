-- Long-term memory: standalone facts an agent learned, per agent and per user, with an
-- embedding for similarity search (pgvector, cosine distance, HNSW index).
--
-- The vector length is 512 here, the default of EMBEDDING_DIMENSIONS. A process
-- configured with another length resizes the column and rebuilds the index at start
-- while the table is empty, and refuses to start (naming EMBEDDING_DIMENSIONS) once it
-- holds memories of another length: see shared/src/memory/schema.ts.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS memories (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the agent (function) that learned it
  agent           text        NOT NULL,
  -- whose it is; NULL for what the agent knows regardless of user
  user_id         text,
  content         text        NOT NULL CHECK (length(content) BETWEEN 1 AND 2000),
  embedding       vector(512) NOT NULL,
  -- vectors of different models are not comparable: search only those of the current one
  embedding_model text        NOT NULL,
  -- {kind: preference|profile|fact, source: {taskId, ...}, ...}
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz
);
CREATE INDEX IF NOT EXISTS memories_embedding ON memories USING hnsw (embedding vector_cosine_ops);
CREATE INDEX IF NOT EXISTS memories_owner ON memories (user_id, agent, updated_at DESC);
CREATE INDEX IF NOT EXISTS memories_agent ON memories (agent, updated_at DESC);
