import type { SqlExecutor } from "@mesh-six/shared/ports/db";

/** A row of `a2a_tasks`: an A2A task, the mesh task that carries it out, and what was said on it. */
export interface A2ATaskRecord {
  readonly id: string;
  readonly meshTaskId: string;
  readonly contextId: string;
  /** The agent whose card it was sent to; undefined for the fleet's. */
  readonly agent?: string;
  readonly capability: string;
  readonly owner?: string;
  /** Messages in the A2A v1.0 JSON form, oldest first. */
  readonly history: readonly unknown[];
  /** Artifacts in the JSON form, once written. */
  readonly artifacts?: readonly unknown[];
  readonly canceledAt?: number;
  readonly canceledBy?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface Row {
  id: string;
  mesh_task_id: string;
  context_id: string;
  agent: string | null;
  capability: string;
  owner: string | null;
  history: unknown[];
  artifacts: unknown[] | null;
  canceled_at: string | number | null;
  canceled_by: string | null;
  created_at: string | number;
  updated_at: string | number;
}

function toRecord(row: Row): A2ATaskRecord {
  return {
    id: row.id,
    meshTaskId: row.mesh_task_id,
    contextId: row.context_id,
    ...(row.agent === null ? {} : { agent: row.agent }),
    capability: row.capability,
    ...(row.owner === null ? {} : { owner: row.owner }),
    history: row.history,
    ...(row.artifacts === null ? {} : { artifacts: row.artifacts }),
    ...(row.canceled_at === null ? {} : { canceledAt: Number(row.canceled_at) }),
    ...(row.canceled_by === null ? {} : { canceledBy: row.canceled_by }),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export interface NewA2ATask {
  readonly id: string;
  readonly meshTaskId: string;
  readonly contextId: string;
  readonly agent?: string;
  readonly capability: string;
  readonly owner?: string;
  readonly message: unknown;
  readonly at: number;
}

export async function insertA2ATask(tx: SqlExecutor, task: NewA2ATask): Promise<void> {
  await tx.query(
    `INSERT INTO a2a_tasks (id, mesh_task_id, context_id, agent, capability, owner, history, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)`,
    [
      task.id,
      task.meshTaskId,
      task.contextId,
      task.agent ?? null,
      task.capability,
      task.owner ?? null,
      JSON.stringify([task.message]),
      task.at,
    ],
  );
}

export async function readA2ATask(db: SqlExecutor, id: string): Promise<A2ATaskRecord | undefined> {
  const { rows } = await db.query<Row>("SELECT * FROM a2a_tasks WHERE id = $1", [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Appends a message to a task's history (the caller's follow-up, the agent's question). */
export async function appendMessage(
  tx: SqlExecutor,
  id: string,
  message: unknown,
  at: number,
): Promise<void> {
  await tx.query(`UPDATE a2a_tasks SET history = history || $2::jsonb, updated_at = $3 WHERE id = $1`, [
    id,
    JSON.stringify([message]),
    at,
  ]);
}

/** Writes the artifacts once (the first reader after the mesh task finished). */
export async function storeArtifacts(db: SqlExecutor, id: string, artifacts: readonly unknown[], at: number) {
  await db.query(
    `UPDATE a2a_tasks SET artifacts = $2::jsonb, updated_at = $3 WHERE id = $1 AND artifacts IS NULL`,
    [id, JSON.stringify(artifacts), at],
  );
}

/** Marks the task canceled; false when it was canceled already. */
export async function markCanceled(db: SqlExecutor, id: string, by: string, at: number): Promise<boolean> {
  const result = await db.query(
    `UPDATE a2a_tasks SET canceled_at = $2, canceled_by = $3, updated_at = $2 WHERE id = $1 AND canceled_at IS NULL`,
    [id, at, by],
  );
  return result.rowCount > 0;
}

export interface A2ATaskQuery {
  readonly contextId?: string;
  readonly owner?: string;
  /** Only tasks sent to this agent's card; every task for the fleet's. */
  readonly agent?: string;
  readonly updatedAfter?: number;
  /** The cursor: tasks strictly older than (updatedAt, id). */
  readonly before?: { readonly updatedAt: number; readonly id: string };
  readonly limit: number;
}

/** Tasks, most recently updated first. */
export async function listA2ATasks(db: SqlExecutor, query: A2ATaskQuery): Promise<A2ATaskRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM a2a_tasks
      WHERE ($1::text IS NULL OR context_id = $1) AND ($2::text IS NULL OR owner = $2)
        AND ($3::text IS NULL OR agent = $3) AND ($4::bigint IS NULL OR updated_at > $4)
        AND ($5::bigint IS NULL OR (updated_at, id) < ($5, $6::text))
      ORDER BY updated_at DESC, id DESC LIMIT $7`,
    [
      query.contextId ?? null,
      query.owner ?? null,
      query.agent ?? null,
      query.updatedAfter ?? null,
      query.before?.updatedAt ?? null,
      query.before?.id ?? null,
      query.limit,
    ],
  );
  return rows.map(toRecord);
}

export async function countA2ATasks(db: SqlExecutor, query: Omit<A2ATaskQuery, "before" | "limit">) {
  const { rows } = await db.query<{ count: string | number }>(
    `SELECT count(*) AS count FROM a2a_tasks
      WHERE ($1::text IS NULL OR context_id = $1) AND ($2::text IS NULL OR owner = $2)
        AND ($3::text IS NULL OR agent = $3) AND ($4::bigint IS NULL OR updated_at > $4)`,
    [query.contextId ?? null, query.owner ?? null, query.agent ?? null, query.updatedAfter ?? null],
  );
  return Number(rows[0]?.count ?? 0);
}
