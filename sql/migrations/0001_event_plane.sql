-- The event plane: the embedded broker's log, deliveries, dead letters,
-- de-duplication (inbox), the transactional outbox and the event log.

-- The embedded broker's topic: every accepted event of a broker ("<namespace>/<name>"),
-- in the CloudEvents JSON format (bytes as data_base64), in acceptance order.
CREATE TABLE IF NOT EXISTS broker_events (
  seq           bigserial PRIMARY KEY,
  broker        text        NOT NULL,
  event         jsonb       NOT NULL,
  partition_key text,
  accepted_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per event and matching Trigger (and one more per dead letter sent to the
-- Trigger's dead-letter sink). Nothing is "in flight" on disk: a pending row is due at
-- next_attempt_at (ms, the broker's clock) and is attempted again after a crash.
CREATE TABLE IF NOT EXISTS broker_deliveries (
  seq             bigint  NOT NULL REFERENCES broker_events (seq) ON DELETE CASCADE,
  trigger_name    text    NOT NULL,
  target          text    NOT NULL DEFAULT 'subscriber' CHECK (target IN ('subscriber', 'dead-letter-sink')),
  status          text    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint  NOT NULL,
  dead_letter_id  bigint,
  last_status     integer,
  last_error      text,
  PRIMARY KEY (seq, trigger_name, target)
);
CREATE INDEX IF NOT EXISTS broker_deliveries_due ON broker_deliveries (next_attempt_at) WHERE status = 'pending';

-- Every dead letter, with or without a dead-letter sink; replay publishes the event again.
CREATE TABLE IF NOT EXISTS dead_letters (
  id            bigserial PRIMARY KEY,
  broker        text        NOT NULL,
  trigger_name  text,
  subscriber    text,
  event         jsonb       NOT NULL,
  error_code    integer,
  error_data    text,
  attempts      integer     NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  replayed_at   timestamptz
);
CREATE INDEX IF NOT EXISTS dead_letters_open ON dead_letters (created_at DESC) WHERE replayed_at IS NULL;
-- One open dead letter per event and subscriber: the broker and the dead-letter sink may both store it.
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_once ON dead_letters (
  broker, (event ->> 'source'), (event ->> 'id'), (coalesce(subscriber, ''))
) WHERE replayed_at IS NULL;

-- Events a function has handled, by (function, source, id): a redelivery is a no-op.
CREATE TABLE IF NOT EXISTS inbox (
  function_name text        NOT NULL,
  source        text        NOT NULL,
  event_id      text        NOT NULL,
  handled_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (function_name, source, event_id)
);

-- Follow-up events stored in the transaction that handled their cause, published after
-- commit. Times are the runtime clock's milliseconds; claimed_until is a publisher's lease.
CREATE TABLE IF NOT EXISTS outbox (
  id            bigserial PRIMARY KEY,
  function_name text        NOT NULL,
  event_id      text        NOT NULL,
  source        text        NOT NULL,
  event         jsonb       NOT NULL,
  cause_source  text        NOT NULL,
  cause_id      text        NOT NULL,
  created_at    bigint      NOT NULL,
  claimed_until bigint,
  published_at  bigint,
  UNIQUE (source, event_id)
);
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_cause ON outbox (function_name, cause_source, cause_id) WHERE published_at IS NULL;

CREATE TABLE IF NOT EXISTS mesh_events (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  kind        text        NOT NULL,
  trace_id    text,
  function_name text,
  event_type  text,
  event_id    text,
  source      text,
  subject     text,
  data        jsonb
);
CREATE INDEX IF NOT EXISTS mesh_events_trace ON mesh_events (trace_id);
CREATE INDEX IF NOT EXISTS mesh_events_kind ON mesh_events (kind, id DESC);
