-- Indexes for the embedded broker's dispatcher, which reads each Trigger's queue
-- (trigger_name, target) on its own: the first due deliveries in (next_attempt_at, seq)
-- order, and the first one not yet due, each an index range read however long the log
-- or the backlog of other Triggers grows. The single-column index they replace made
-- every read sort the whole backlog.
CREATE INDEX IF NOT EXISTS broker_deliveries_queue
  ON broker_deliveries (trigger_name, target, next_attempt_at, seq) WHERE status = 'pending';
DROP INDEX IF EXISTS broker_deliveries_due;
-- Pending deliveries another process has claimed: when its claim runs out, they are due here.
CREATE INDEX IF NOT EXISTS broker_deliveries_claimed
  ON broker_deliveries (claimed_until) WHERE status = 'pending' AND claimed_by IS NOT NULL;
