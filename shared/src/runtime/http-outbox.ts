import type { MeshEvent } from "@mesh-six/events";
import { errorMessage } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import type { InboxKey } from "./inbox.ts";
import { publishOutbox } from "./outbox-publish.ts";
import { storeInOutbox } from "./outbox-store.ts";

export interface HttpOutboxSettings {
  readonly db: Db;
  /** The function whose outbox holds the events; its host's sweep republishes them. */
  readonly functionName: string;
  readonly publish: (event: MeshEvent) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What one HTTP request's work decided: its own result, and the events to publish. */
export interface HttpWork<Value> {
  readonly value: Value;
  readonly events: readonly MeshEvent[];
}

export interface HttpCommit<Value> extends HttpWork<Value> {
  /** How many of the events went out right after the commit; the rest wait for the sweep. */
  readonly published: number;
}

/** The transactional outbox for work an HTTP route does (no incoming event to de-duplicate). */
export interface HttpOutbox {
  /**
   * Runs `work` in one transaction and stores the events it returns in the function's
   * outbox in that same transaction, under `key` (unique per request, e.g. the id of
   * what it creates); once committed, publishes them. A publish that fails or never
   * happens (a crash) leaves them stored: the outbox sweep publishes them later.
   */
  commit<Value>(key: string, work: (tx: SqlExecutor) => Promise<HttpWork<Value>>): Promise<HttpCommit<Value>>;
  /** Publishes what the commit under `key` left unpublished (a retry after the broker was down). */
  flush(key: string): Promise<number>;
}

/** The outbox key of an HTTP request's events: the function, an `http` source, the request's key. */
export function httpCause(functionName: string, key: string): InboxKey {
  return { functionName, source: `/mesh-six/${functionName}/http`, eventId: key };
}

export function createHttpOutbox(settings: HttpOutboxSettings): HttpOutbox {
  const { db, functionName, publish, clock, logger } = settings;
  const now = () => clock.now();
  const flush = async (key: string) => {
    const cause = httpCause(functionName, key);
    try {
      const result = await publishOutbox(
        { db, publish, now },
        { functionName, cause: { source: cause.source, eventId: cause.eventId } },
      );
      if (result.failure) {
        logger.warn("publishing failed; the events are stored and the outbox sweep will publish them", {
          key,
          published: result.published,
          error: errorMessage(result.failure.error),
        });
      }
      return result.published;
    } catch (error) {
      logger.warn("could not read the outbox; the outbox sweep will publish the events", {
        key,
        error: errorMessage(error),
      });
      return 0;
    }
  };
  return {
    async commit(key, work) {
      const done = await db.transaction(async (tx) => {
        const result = await work(tx);
        await storeInOutbox(tx, httpCause(functionName, key), result.events, now());
        return result;
      });
      const published = done.events.length > 0 ? await flush(key) : 0;
      return { ...done, published };
    },
    flush,
  };
}
