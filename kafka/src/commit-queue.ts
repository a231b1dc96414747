import { errorMessage } from "@mesh-six/shared/errors";
import type { Logger } from "@mesh-six/shared/ports/logger";

export interface PartitionOffset {
  readonly partition: number;
  /** The next offset to consume (the last done one + 1), as Kafka commits it. */
  readonly offset: string;
}

/**
 * Commits a consumer group's offsets at most once per interval, one request at a time,
 * always the newest offset per partition: a burst of deliveries costs one commit, not one
 * each (as the Kafka broker's dispatcher commits on an interval). A commit that fails
 * (during a rebalance) stays queued and goes with the next one; `flush` commits what is
 * queued at once. A crash loses at most an interval of commits: those events are
 * delivered again, which de-duplication absorbs.
 */
export interface CommitQueue {
  set(offset: PartitionOffset): void;
  /** Forgets a partition this member no longer owns (its new owner commits it). */
  drop(partition: number): void;
  /** Resolves once everything queued was committed, or tried once more and failed. */
  flush(): Promise<void>;
}

export function createCommitQueue(
  commit: (offsets: readonly PartitionOffset[]) => Promise<void>,
  options: { readonly logger: Logger; readonly intervalMs: number },
): CommitQueue {
  const { logger, intervalMs } = options;
  const queued = new Map<number, string>();
  let sending: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = () => {
    sending ??= (async () => {
      const offsets = [...queued].map(([partition, offset]) => ({ partition, offset }));
      queued.clear();
      try {
        if (offsets.length > 0) await commit(offsets);
      } catch (error) {
        // keep what failed unless a newer offset was queued meanwhile
        for (const { partition, offset } of offsets)
          if (!queued.has(partition)) queued.set(partition, offset);
        logger.warn("could not commit offsets; they go with the next commit", {
          offsets,
          error: errorMessage(error),
        });
      } finally {
        sending = undefined;
      }
    })();
    return sending;
  };

  const schedule = () => {
    if (timer || queued.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void send().then(schedule);
    }, intervalMs);
  };

  return {
    set({ partition, offset }) {
      queued.set(partition, offset);
      schedule();
    },
    drop(partition) {
      queued.delete(partition);
    },
    async flush() {
      clearTimeout(timer);
      timer = undefined;
      await sending;
      await send();
    },
  };
}
