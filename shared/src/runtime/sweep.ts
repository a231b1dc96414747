import type { MeshEvent } from "@mesh-six/events";
import { errorMessage } from "../errors.ts";
import type { SqlExecutor } from "../ports/db.ts";
import type { Logger } from "../ports/logger.ts";
import { publishOutbox } from "./outbox-publish.ts";

export interface SweepOptions {
  /** Republish rows left unpublished at least this long; default 60 s. */
  readonly olderThanMs?: number;
  /** Rows per claim; default 100. */
  readonly limit?: number;
}

export interface OutboxSweepSettings {
  readonly db: SqlExecutor;
  readonly publish: (event: MeshEvent) => Promise<void>;
  readonly now: () => number;
  readonly logger: Logger;
  /** Only this function's rows; every function's when omitted. */
  readonly functionName?: string;
}

/**
 * Republishes follow-up events that were committed but never published (a crash between
 * commit and publish, or the broker down at the time). Safe in several processes at once:
 * each row is claimed by one of them. Republishing is harmless: the ids are the ones first
 * stored and consumers de-duplicate. Resolves with how many events went out.
 */
export async function sweepOutbox(
  settings: OutboxSweepSettings,
  options: SweepOptions = {},
): Promise<number> {
  const result = await publishOutbox(settings, {
    ...(settings.functionName === undefined ? {} : { functionName: settings.functionName }),
    olderThanMs: options.olderThanMs ?? 60_000,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  if (result.published > 0)
    settings.logger.info("outbox sweep republished events", { count: result.published });
  if (result.failure) {
    settings.logger.warn("outbox sweep stopped: publish failed; the rest waits for the next sweep", {
      published: result.published,
      error: errorMessage(result.failure.error),
    });
  }
  return result.published;
}
