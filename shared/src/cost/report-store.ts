import type { SqlExecutor } from "../ports/db.ts";
import type { CostReport } from "./report.ts";

/** Stores a report; the one already stored for `eventId` (a redelivered ping) when there is one. */
export async function storeCostReport(
  db: SqlExecutor,
  report: CostReport,
  settings: { readonly kind: "scheduled" | "on-demand"; readonly eventId?: string },
): Promise<string> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO cost_reports (kind, period_from, period_to, report, event_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO UPDATE SET event_id = EXCLUDED.event_id
     RETURNING id`,
    [settings.kind, report.from, report.to, JSON.stringify(report), settings.eventId ?? null],
  );
  return String(rows[0]?.id);
}

/** The latest stored reports, newest first. */
export async function recentCostReports(
  db: SqlExecutor,
  limit: number,
): Promise<{ id: string; kind: string; createdAt: Date; report: CostReport }[]> {
  const { rows } = await db.query<{ id: number; kind: string; created_at: Date; report: CostReport }>(
    "SELECT id, kind, created_at, report FROM cost_reports ORDER BY created_at DESC, id DESC LIMIT $1",
    [limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    kind: row.kind,
    createdAt: row.created_at,
    report: row.report,
  }));
}
