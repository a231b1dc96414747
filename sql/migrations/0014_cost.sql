-- Cost: what each LLM call was priced at, the tier it asked for and the one that answered
-- (a budget's fallback), budgets and their reservations, stored reports, alerts sent.

-- false when the model had no price (LLM_PRICES): its cost_usd is unknown, not zero
ALTER TABLE llm_usage ADD COLUMN IF NOT EXISTS priced boolean NOT NULL DEFAULT true;
ALTER TABLE llm_usage ADD COLUMN IF NOT EXISTS requested_tier text;
ALTER TABLE llm_usage ADD COLUMN IF NOT EXISTS tier text;
-- the budget whose fallback policy moved the call to a cheaper tier
ALTER TABLE llm_usage ADD COLUMN IF NOT EXISTS fallback_budget text;
CREATE INDEX IF NOT EXISTS llm_usage_created ON llm_usage (created_at);
CREATE INDEX IF NOT EXISTS llm_usage_user_day ON llm_usage (user_id, created_at);

-- A limit on tokens and/or money for one scope: every user, session or agent ('*') or a
-- named one, or everything (global), per day, week, month or in total.
CREATE TABLE IF NOT EXISTS budgets (
  name          text        PRIMARY KEY,
  scope         text        NOT NULL CHECK (scope IN ('global', 'user', 'session', 'agent')),
  subject       text        NOT NULL DEFAULT '*',
  period        text        NOT NULL CHECK (period IN ('day', 'week', 'month', 'total')),
  limit_tokens  bigint      CHECK (limit_tokens > 0),
  -- millionths of a USD
  limit_micro_usd bigint    CHECK (limit_micro_usd > 0),
  on_exceeded   text        NOT NULL DEFAULT 'reject' CHECK (on_exceeded IN ('reject', 'fallback')),
  fallback_tier text        CHECK (fallback_tier IN ('local', 'mid', 'strong')),
  warn_at       real        NOT NULL DEFAULT 0.8 CHECK (warn_at > 0 AND warn_at <= 1),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (limit_tokens IS NOT NULL OR limit_micro_usd IS NOT NULL)
);

-- Reserved and settled use of a budget in one window (the Postgres budget store). The
-- reservation is one conditional upsert: it adds the estimate only while the total stays
-- within the limit.
CREATE TABLE IF NOT EXISTS budget_usage (
  budget_name   text        NOT NULL,
  -- the user, session or agent the counter is for ('*' for a global budget)
  subject       text        NOT NULL,
  window_start  timestamptz NOT NULL,
  used_tokens   bigint      NOT NULL DEFAULT 0,
  used_micro_usd bigint     NOT NULL DEFAULT 0,
  PRIMARY KEY (budget_name, subject, window_start)
);

CREATE TABLE IF NOT EXISTS cost_reports (
  id            bigserial   PRIMARY KEY,
  -- 'scheduled' (the PingSource) or 'on-demand' (a task)
  kind          text        NOT NULL,
  period_from   timestamptz NOT NULL,
  period_to     timestamptz NOT NULL,
  report        jsonb       NOT NULL,
  event_id      text        UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS cost_reports_recent ON cost_reports (created_at DESC);

-- One row per alert sent: the key names what and the window, so it is sent once.
CREATE TABLE IF NOT EXISTS cost_alerts (
  alert_key     text        PRIMARY KEY,
  kind          text        NOT NULL,
  detail        jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
