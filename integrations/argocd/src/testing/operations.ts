import type { Application } from "../application.ts";
import { type ErrorAnswer, errorAnswer } from "./fixtures.ts";

interface State {
  failing: boolean;
  busy: number;
  readonly applications: Map<string, Application>;
  readonly operations: { kind: "sync" | "rollback" | "delete"; name: string; body: unknown }[];
}

type Answer = { value: unknown } | { error: ErrorAnswer } | undefined;

const invalid = (message: string): { error: ErrorAnswer } => ({
  error: { status: 400, body: { error: message, code: 3, message, details: [] } },
});

/**
 * ApplicationService as the swagger describes it, over an in-memory store: a sync moves
 * the application to the revision asked (or a new one) and adds a history entry; a
 * rollback redeploys a history entry's revision; both refuse while `busy` (FailedPrecondition)
 * and fail with a manifest generation error while `failing`.
 */
export function applicationOperations(state: State) {
  let revisions = 0;
  const deploy = (app: Application, revision: string, now: string) => {
    const history = app.status?.history ?? [];
    const id = history.reduce((top, entry) => Math.max(top, entry.id + 1), 0);
    app.status = {
      ...app.status,
      sync: { ...app.status?.sync, status: "Synced", revision },
      health: { status: "Healthy" },
      history: [...history, { id, revision, deployedAt: now }],
      operationState: { phase: "Succeeded", message: "successfully synced (all tasks run)" },
    };
    return app;
  };
  const guard = (name: string): { error: ErrorAnswer } | undefined => {
    if (!state.applications.has(name)) return { error: errorAnswer("notFound", { name }) };
    if (state.busy > 0) {
      state.busy -= 1;
      return { error: errorAnswer("operationInProgress") };
    }
    if (state.failing) return { error: errorAnswer("manifestGeneration") };
    return undefined;
  };
  return (method: string, url: URL, body: unknown): Answer => {
    const path = url.pathname;
    if (path === "/api/v1/applications") {
      if (method === "GET") {
        const project = url.searchParams.getAll("project");
        const items = [...state.applications.values()].filter(
          (app) => project.length === 0 || project.includes(app.spec?.project ?? "default"),
        );
        return { value: { metadata: { resourceVersion: "1" }, items } };
      }
      if (method === "POST") {
        const app = body as Application | undefined;
        const name = app?.metadata?.name;
        if (!name) return invalid("application.metadata.name: Required value");
        if (state.applications.has(name) && url.searchParams.get("upsert") !== "true") {
          return invalid("existing application spec is different, use upsert flag to force update");
        }
        state.applications.set(name, structuredClone(app));
        return { value: app };
      }
      return undefined;
    }
    const match = /^\/api\/v1\/applications\/([^/]+)(?:\/(sync|rollback|resource-tree))?$/.exec(path);
    if (!match) return undefined;
    const name = decodeURIComponent(match[1] ?? "");
    const app = state.applications.get(name);
    const action = match[2];
    if (!action && method === "GET")
      return app ? { value: app } : { error: errorAnswer("notFound", { name }) };
    if (!action && method === "DELETE") {
      if (!app) return { error: errorAnswer("notFound", { name }) };
      state.applications.delete(name);
      state.operations.push({ kind: "delete", name, body: { cascade: url.searchParams.get("cascade") } });
      return { value: {} };
    }
    if (action === "resource-tree" && method === "GET") {
      if (!app) return { error: errorAnswer("notFound", { name }) };
      const resources = (app.status?.resources ?? []) as { kind: string; name: string; namespace?: string }[];
      return {
        value: {
          nodes: resources.map((resource) => ({ ...resource, uid: `${resource.kind}-${resource.name}` })),
        },
      };
    }
    if (method !== "POST" || (action !== "sync" && action !== "rollback")) return undefined;
    const refused = guard(name);
    if (refused || !app) return refused;
    const now = new Date(Date.UTC(2026, 0, 1) + state.operations.length * 1000).toISOString();
    const request = (body ?? {}) as { revision?: string; id?: number; dryRun?: boolean };
    if (action === "rollback") {
      const entry = app.status?.history?.find((each) => each.id === Number(request.id));
      if (!entry) return invalid(`application ${name} does not have history with id ${request.id}`);
      state.operations.push({ kind: "rollback", name, body });
      return { value: request.dryRun ? app : deploy(app, entry.revision ?? "", now) };
    }
    state.operations.push({ kind: "sync", name, body });
    revisions += 1;
    const revision = request.revision ?? `${revisions.toString(16).padStart(8, "0")}${"0".repeat(32)}`;
    return { value: request.dryRun ? app : deploy(app, revision, now) };
  };
}
