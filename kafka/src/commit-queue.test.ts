import { silentLogger } from "@mesh-six/shared/log/logger";
import { describe, expect, it } from "vitest";
import { type CommitQueue, createCommitQueue, type PartitionOffset } from "./commit-queue.ts";

// an interval no test waits for: commits happen only on flush
const options = { logger: silentLogger, intervalMs: 3_600_000 };

describe("createCommitQueue", () => {
  it("commits the newest offset of each partition in one request", async () => {
    const sent: PartitionOffset[][] = [];
    const queue = createCommitQueue(async (offsets) => {
      sent.push([...offsets]);
    }, options);
    queue.set({ partition: 0, offset: "3" });
    queue.set({ partition: 1, offset: "7" });
    queue.set({ partition: 0, offset: "5" });
    await queue.flush();
    expect(sent).toEqual([
      [
        { partition: 0, offset: "5" },
        { partition: 1, offset: "7" },
      ],
    ]);
    await queue.flush();
    expect(sent).toHaveLength(1);
  });

  it("keeps what a failed commit held for the next one, unless a newer offset came meanwhile", async () => {
    const sent: PartitionOffset[][] = [];
    let fail = true;
    const queue: CommitQueue = createCommitQueue(async (offsets) => {
      sent.push([...offsets]);
      if (fail) {
        // a delivery finishes while the commit is on its way
        queue.set({ partition: 1, offset: "9" });
        throw new Error("REBALANCE_IN_PROGRESS");
      }
    }, options);
    queue.set({ partition: 0, offset: "4" });
    queue.set({ partition: 1, offset: "8" });
    await queue.flush();
    fail = false;
    await queue.flush();
    expect(sent).toEqual([
      [
        { partition: 0, offset: "4" },
        { partition: 1, offset: "8" },
      ],
      [
        { partition: 1, offset: "9" },
        { partition: 0, offset: "4" },
      ],
    ]);
  });

  it("forgets a partition that went to another member", async () => {
    const sent: PartitionOffset[][] = [];
    const queue = createCommitQueue(async (offsets) => {
      sent.push([...offsets]);
    }, options);
    queue.set({ partition: 2, offset: "1" });
    queue.set({ partition: 3, offset: "6" });
    queue.drop(2);
    await queue.flush();
    expect(sent).toEqual([[{ partition: 3, offset: "6" }]]);
  });
});
