import type { MeshEvent } from "@mesh-six/events";
import { publishable } from "../broker/event-json.ts";
import { NonRetryableError } from "../errors.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import { DuplicateEventError } from "./duplicate.ts";
import { claimInbox, type InboxKey } from "./inbox.ts";
import { storeInOutbox } from "./outbox-store.ts";

export type CommitWork = (tx: SqlExecutor) => Promise<readonly MeshEvent[] | void>;

export interface CommitterSettings {
  readonly db: Db;
  readonly key: InboxKey;
  readonly now: () => number;
  /** Aborted when the handler ran out of time: a late commit must not take effect. */
  readonly signal: AbortSignal;
}

export interface Committer {
  commit(work: CommitWork): Promise<readonly MeshEvent[]>;
  /** True once a commit has gone through. */
  readonly committed: boolean;
  /** How many follow-ups the commit stored in the outbox (0 before it). */
  readonly stored: number;
}

/**
 * `ctx.commit` for one invocation: one transaction that claims the inbox row, runs the
 * handler's work and stores the follow-ups in the outbox. When the inbox row exists the
 * transaction rolls back and DuplicateEventError says so.
 */
export function createCommitter(settings: CommitterSettings): Committer {
  const { db, key, signal } = settings;
  let state: "open" | "running" | "done" = "open";
  let stored = 0;
  return {
    get committed() {
      return state === "done";
    },
    get stored() {
      return stored;
    },
    async commit(work) {
      if (state !== "open") {
        throw new NonRetryableError(
          `ctx.commit was called twice while handling event ${key.eventId}; ` +
            "put every state change of one event in one commit",
        );
      }
      signal.throwIfAborted();
      state = "running";
      try {
        const events = await db.transaction(async (tx) => {
          if (!(await claimInbox(tx, key))) {
            throw new DuplicateEventError(key.functionName, key.source, key.eventId);
          }
          const returned = checkEvents(await work(tx));
          signal.throwIfAborted();
          await storeInOutbox(tx, key, returned, settings.now());
          return returned;
        });
        state = "done";
        stored = events.length;
        return events;
      } catch (error) {
        state = "open";
        throw error;
      }
    },
  };
}

/**
 * What a handler or a commit returned, checked to be a list of events the broker will
 * take (`publishable`), so a follow-up that can never be published is refused with its
 * cause (422, dead-lettered) instead of waiting in the outbox forever.
 */
export function checkEvents(value: unknown): readonly MeshEvent[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new NonRetryableError(
      `a handler must return an array of events (or nothing), got ${typeof value}; build them with ctx.emit`,
    );
  }
  for (const event of value as unknown[]) {
    const candidate = event as Partial<MeshEvent> | null;
    if (
      typeof candidate?.id !== "string" ||
      typeof candidate.source !== "string" ||
      typeof candidate.type !== "string"
    ) {
      throw new NonRetryableError(
        "a handler returned something that is not a CloudEvent (id, source and type are required); build follow-ups with ctx.emit",
      );
    }
    publishable(event as MeshEvent);
  }
  return value as readonly MeshEvent[];
}
