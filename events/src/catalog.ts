import { ApprovalDecided, ApprovalRequested } from "./approval.ts";
import type { EventType } from "./define.ts";
import { RunContinued } from "./run.ts";
import { PingFired } from "./system.ts";
import {
  TaskCompleted,
  TaskDispatched,
  TaskFailed,
  TaskFinished,
  TaskProgress,
  TaskRequested,
} from "./task.ts";

/** Every event type mesh-six produces or consumes, once. */
export const catalog: readonly EventType[] = [
  TaskRequested,
  TaskDispatched,
  TaskProgress,
  TaskCompleted,
  TaskFailed,
  TaskFinished,
  RunContinued,
  ApprovalRequested,
  ApprovalDecided,
  PingFired,
];

export function findEventType(type: string): EventType | undefined {
  return catalog.find((definition) => definition.type === type);
}
