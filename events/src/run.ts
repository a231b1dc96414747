import { z } from "zod";
import { defineEvent } from "./define.ts";

const id = z.string().min(1).max(200);

export const runContinueReasons = ["step", "wake", "timer", "cancel", "recover"] as const;

export const RunContinued = defineEvent("dev.meshsix.run.continued", {
  description:
    "A durable run goes on: the next hop replays its step log and runs what comes next. The meshfunction extension routes it back to the run's function.",
  schema: z.object({
    runId: id,
    /** step: the last hop ended after a step; wake: a wait was resolved; timer: a sleep or timeout fell due; cancel; recover: a stalled run picked up by the sweep. */
    reason: z.enum(runContinueReasons).default("step"),
  }),
});
