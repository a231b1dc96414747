import { createManualClock } from "../clock.ts";
import { describeKvContract } from "./contract.ts";
import { createMemoryKv } from "./memory.ts";

const clock = createManualClock();

describeKvContract("in-process", {
  open: async () => createMemoryKv({ clock }),
  elapse: (ms) => clock.advance(ms),
  ttlMs: 1_000,
});
