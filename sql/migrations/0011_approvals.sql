-- Human approvals and answers: what the person was shown, until when, the default, and
-- the one decision that counts, with who made it, when, how and why.
CREATE TABLE IF NOT EXISTS approvals (
  id               text    PRIMARY KEY,
  -- approval: approve or reject; input: answer a question
  kind             text    NOT NULL CHECK (kind IN ('approval', 'input')),
  status           text    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'answered', 'expired', 'cancelled')),
  run_id           text    NOT NULL,
  step             text    NOT NULL,
  function_name    text    NOT NULL,
  task_id          text,
  user_id          text,
  -- what the person is shown: {action, reason, risks, impact, suggestedDecision, question, …}
  context          jsonb   NOT NULL,
  deadline         bigint,
  default_decision text    CHECK (default_decision IN ('approved', 'rejected')),
  decision         text    CHECK (decision IN ('approved', 'rejected')),
  answer           text,
  reason           text,
  decided_by       text,
  -- api, event (a decision event through the broker), deadline (the default at the deadline), cancel
  decided_via      text,
  decision_event   text,
  decided_at       bigint,
  created_at       bigint  NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_pending ON approvals (created_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS approvals_recent ON approvals (created_at DESC);
CREATE INDEX IF NOT EXISTS approvals_run ON approvals (run_id);
