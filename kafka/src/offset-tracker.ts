/**
 * The records of one partition a consumer has taken, in fetch order, and how far the
 * consumer group may commit: up to (not including) the first record that is not done.
 * A record done out of order (unordered delivery) waits until those before it are done,
 * so a commit never skips an event that was not delivered or dead-lettered.
 */
export interface OffsetTracker {
  /** Takes a fetched record; false when it was taken before (a re-fetch after a rebalance). */
  take(offset: string): boolean;
  /** Marks a taken record done; returns the offset to commit when the committable point moved. */
  done(offset: string): string | undefined;
  /** Records taken and not done. */
  readonly open: number;
}

export function createOffsetTracker(): OffsetTracker {
  // offset → done, in fetch (= offset) order: a Map keeps insertion order
  const taken = new Map<bigint, boolean>();
  // the highest offset that is committable (every taken record up to it is done)
  let floor: bigint | undefined;
  let last: bigint | undefined;
  let open = 0;
  return {
    take(text) {
      const offset = BigInt(text);
      if ((floor !== undefined && offset <= floor) || (last !== undefined && offset <= last)) return false;
      taken.set(offset, false);
      last = offset;
      open += 1;
      return true;
    },
    done(text) {
      const offset = BigInt(text);
      if (taken.get(offset) !== false) return undefined;
      taken.set(offset, true);
      open -= 1;
      let moved = false;
      for (const [head, isDone] of taken) {
        if (!isDone) break;
        taken.delete(head);
        floor = head;
        moved = true;
      }
      return moved ? String(floor! + 1n) : undefined;
    },
    get open() {
      return open;
    },
  };
}
