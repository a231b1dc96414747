import { errorMessage } from "@mesh-six/shared/errors";
import type { Logger } from "@mesh-six/shared/ports/logger";

export interface PartitionOffset {
  readonly partition: number;
  /** The next offset to consume (the last done one + 1), as Kafka commits it. */
  readonly offset: string;
}

/**
 * Commits a consumer group's offsets one request at a time, always the newest per
 * partition: while one commit is on its way, later ones for the same partition replace
 * each other, so a burst of deliveries costs a few commits, not one each. A commit that
 * fails (during a rebalance) stays queued and goes with the next one.
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
  logger: Logger,
): CommitQueue {
  const queued = new Map<number, string>();
  let running: Promise<void> | undefined;

  const send = async (): Promise<boolean> => {
    const offsets = [...queued].map(([partition, offset]) => ({ partition, offset }));
    queued.clear();
    try {
      await commit(offsets);
      return true;
    } catch (error) {
      // keep what failed unless a newer offset was queued meanwhile
      for (const { partition, offset } of offsets) if (!queued.has(partition)) queued.set(partition, offset);
      logger.warn("could not commit offsets; they go with the next commit", {
        offsets,
        error: errorMessage(error),
      });
      return false;
    }
  };

  const drain = () => {
    running ??= (async () => {
      while (queued.size > 0) if (!(await send())) break;
      running = undefined;
    })();
    return running;
  };

  return {
    set({ partition, offset }) {
      queued.set(partition, offset);
      void drain();
    },
    drop(partition) {
      queued.delete(partition);
    },
    async flush() {
      await running;
      if (queued.size > 0) await drain();
    },
  };
}
