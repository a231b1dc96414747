-- Event data kept byte for byte. An event's data is stored as bytea, exactly the bytes
-- the broker was given, beside its attributes in jsonb (which keeps integer and boolean
-- extensions typed): jsonb would reorder keys, drop duplicates and lose number text.
-- Rows stored before keep their data in the jsonb column and read as they were.
ALTER TABLE broker_events ADD COLUMN IF NOT EXISTS data bytea;
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS data bytea;

-- The event log shows every attribute of an accepted event and its data as accepted.
ALTER TABLE mesh_events ADD COLUMN IF NOT EXISTS attributes jsonb;
ALTER TABLE mesh_events ADD COLUMN IF NOT EXISTS event_data bytea;

-- One open dead letter per event and subscriber, on digests of the event's source and id:
-- an index entry holds at most 2,704 bytes, and an event stored with a longer source and
-- id (before the ingress refused them) made every dead-letter write fail, so its delivery
-- was attempted again forever.
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_once_digest ON dead_letters (
  broker, md5(event ->> 'source'), md5(event ->> 'id'), md5(coalesce(subscriber, ''))
) WHERE replayed_at IS NULL;
DROP INDEX IF EXISTS dead_letters_once;
