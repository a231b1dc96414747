-- Claims on deliveries, so several processes dispatching from one database (embedded
-- hosts sharing a Postgres server) behave like the consumers of one consumer group: a
-- pending delivery is attempted by the process that claimed it until its claim runs out
-- (the delivery timeout plus a margin), after which any process may take it again; that
-- is how a crashed process's deliveries come back.
ALTER TABLE broker_deliveries ADD COLUMN IF NOT EXISTS claimed_by text;
ALTER TABLE broker_deliveries ADD COLUMN IF NOT EXISTS claimed_until bigint;
