-- The webhook receiver's record of every GitHub and Gitea delivery it accepted, one row
-- per provider and delivery id (X-GitHub-Delivery, X-Gitea-Delivery): a redelivery finds
-- its row and publishes nothing new. A payload too large to travel in its event (over
-- 512 KiB), or JSON the broker cannot carry, is kept here byte for byte (payload), and the
-- event published for it points to this row (readWebhookPayload reads it back).
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  provider     text        NOT NULL CHECK (provider IN ('github', 'gitea')),
  delivery_id  text        NOT NULL,
  -- the event name as sent (X-GitHub-Event, X-Gitea-Event) and the CloudEvent published
  event_name   text        NOT NULL,
  event_type   text        NOT NULL,
  source       text        NOT NULL,
  -- the payload's length and SHA-256 (hex), whether or not it is kept here
  byte_length  integer     NOT NULL,
  sha256       text        NOT NULL,
  content_type text        NOT NULL,
  payload      bytea,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, delivery_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_recent ON webhook_deliveries (received_at DESC);
