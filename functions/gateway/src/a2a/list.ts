import { type ListTasksRequest, type ListTasksResponse, TaskState } from "@a2a-js/sdk";
import { RequestMalformedError } from "@a2a-js/sdk/errors";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { readSources } from "./read.ts";
import { countA2ATasks, listA2ATasks } from "./store.ts";
import { stateOf, stateValue, taskOf } from "./view.ts";

const defaultPageSize = 50;
/** How many rows a status filter looks through for one page (the state is read, not stored). */
const statusScan = 1000;

/** A page of the caller's tasks, most recently updated first; `pageToken` continues after the last one. */
export async function listTasks(
  db: SqlExecutor,
  request: ListTasksRequest,
  scope: { readonly owner?: string; readonly agent?: string },
): Promise<ListTasksResponse> {
  const pageSize = request.pageSize ?? defaultPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new RequestMalformedError("pageSize must be a whole number from 1 to 100");
  }
  if (request.status === TaskState.UNRECOGNIZED) {
    throw new RequestMalformedError("status must be a task state, e.g. TASK_STATE_WORKING");
  }
  if (request.historyLength !== undefined && request.historyLength < 0) {
    throw new RequestMalformedError("historyLength must be 0 or more");
  }
  const before = request.pageToken ? cursorOf(request.pageToken) : undefined;
  const after = request.statusTimestampAfter ? Date.parse(request.statusTimestampAfter) : undefined;
  if (after !== undefined && Number.isNaN(after)) {
    throw new RequestMalformedError(
      "statusTimestampAfter must be an ISO 8601 timestamp, e.g. 2026-01-01T00:00:00Z",
    );
  }
  const filter = {
    ...(request.contextId ? { contextId: request.contextId } : {}),
    ...scope,
    ...(after === undefined ? {} : { updatedAfter: after }),
  };
  const wanted = request.status === TaskState.TASK_STATE_UNSPECIFIED ? undefined : request.status;
  const rows = await listA2ATasks(db, {
    ...filter,
    ...(before ? { before } : {}),
    limit: wanted === undefined ? pageSize + 1 : statusScan,
  });
  const tasks = [];
  let last: (typeof rows)[number] | undefined;
  let more = false;
  for (const record of rows) {
    const sources = await readSources(db, record);
    if (wanted !== undefined && stateValue(stateOf(sources)) !== wanted) continue;
    if (tasks.length === pageSize) {
      more = true;
      break;
    }
    const task = taskOf(sources, request.historyLength);
    tasks.push(request.includeArtifacts ? task : { ...task, artifacts: [] });
    last = record;
  }
  return {
    tasks,
    nextPageToken: more && last ? tokenOf(last.updatedAt, last.id) : "",
    pageSize,
    totalSize: wanted === undefined ? await countA2ATasks(db, filter) : tasks.length,
  };
}

function tokenOf(updatedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id])).toString("base64url");
}

function cursorOf(token: string): { updatedAt: number; id: string } {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as [
      unknown,
      unknown,
    ];
    if (typeof updatedAt === "number" && typeof id === "string") return { updatedAt, id };
  } catch {
    // answered below
  }
  throw new RequestMalformedError(
    "pageToken is not one this server gave: pass nextPageToken from the previous page",
  );
}
