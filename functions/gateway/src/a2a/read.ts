import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { listApprovals } from "@mesh-six/shared/run/approvals";
import { listRuns } from "@mesh-six/shared/run/read";
import type { A2ATaskRecord } from "./store.ts";
import { storeArtifacts } from "./store.ts";
import { artifactsOf, type TaskSources } from "./view.ts";

/**
 * An A2A task's sources as stored now: its row, its mesh task, and the approval or
 * question the task's current run waits for. The first read after the mesh task
 * succeeded writes its artifacts to the row.
 */
export async function readSources(db: SqlExecutor, record: A2ATaskRecord): Promise<TaskSources> {
  const meshTask = await readTask(db, record.meshTaskId);
  if (!meshTask) return { record };
  if (meshTask.status === "succeeded" && record.artifacts === undefined) {
    const artifacts = artifactsOf(record.id, meshTask.result);
    await storeArtifacts(db, record.id, artifacts, Date.parse(meshTask.updatedAt));
    return { record: { ...record, artifacts }, meshTask };
  }
  if (meshTask.status !== "dispatched") return { record, meshTask };
  const [run] = await listRuns(db, { taskId: meshTask.id, status: "waiting", limit: 1 });
  if (!run) return { record, meshTask };
  const [waiting] = await listApprovals(db, { runId: run.id, status: "pending", limit: 1 });
  return waiting ? { record, meshTask, waiting } : { record, meshTask };
}
