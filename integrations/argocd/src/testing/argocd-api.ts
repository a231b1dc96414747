import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Application } from "../application.ts";
import { type ErrorAnswer, errorAnswer, versionMessage } from "./fixtures.ts";
import { applicationOperations } from "./operations.ts";

/**
 * ArgoCD's API server for tests, from its published API (argo-cd's assets/swagger.json):
 * `GET /api/version` and `GET /healthz` (no login), `POST /api/v1/session`, and the
 * ApplicationService calls the client makes (list, get, create, sync, rollback, delete,
 * resource-tree), answering with the swagger's shapes and ArgoCD's own error bodies
 * (src/__fixtures__). Everything answers 503 while `healthy` is false. Every request is
 * kept as `METHOD /path`.
 */
export interface ArgoCdApi {
  /** Base URL, e.g. http://127.0.0.1:41234: what ARGOCD_URL holds. */
  readonly url: string;
  healthy: boolean;
  /** Syncs and rollbacks answer ArgoCD's manifest generation error (a 500 it will not fix by itself) while set. */
  failing: boolean;
  /** The next this many syncs or rollbacks answer "another operation is already in progress". */
  busy: number;
  readonly requests: string[];
  /** The applications, by name; tests add and read them. */
  readonly applications: Map<string, Application>;
  /** Every sync, rollback and delete made, in order. */
  readonly operations: { kind: "sync" | "rollback" | "delete"; name: string; body: unknown }[];
  close(): Promise<void>;
}

export interface ArgoCdApiOptions {
  /** The API tokens it accepts; with none (and no users), no login is asked for. */
  readonly tokens?: readonly string[];
  /** Local accounts (name → password) that may log in through `POST /api/v1/session`. */
  readonly users?: Readonly<Record<string, string>>;
  readonly applications?: readonly Application[];
}

export async function startArgoCdApi(options: ArgoCdApiOptions = {}): Promise<ArgoCdApi> {
  const state = {
    healthy: true,
    failing: false,
    busy: 0,
    requests: [] as string[],
    applications: new Map(
      (options.applications ?? []).map((app) => [app.metadata.name, structuredClone(app)]),
    ),
    operations: [] as ArgoCdApi["operations"],
  };
  const tokens = new Set(options.tokens ?? []);
  const users = options.users ?? {};
  const guarded = tokens.size > 0 || Object.keys(users).length > 0;
  let sessions = 0;
  const operations = applicationOperations(state);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://argocd");
    const method = request.method ?? "GET";
    state.requests.push(`${method} ${url.pathname}`);
    const body = await readJson(request);
    if (!state.healthy) return text(response, 503, "argocd-server is unavailable");
    if (method === "GET" && url.pathname === "/healthz") return text(response, 200, "ok");
    if (method === "GET" && url.pathname === "/api/version") return json(response, 200, versionMessage);
    if (method === "POST" && url.pathname === "/api/v1/session") {
      const { username, password } = (body ?? {}) as { username?: string; password?: string };
      if (!username || users[username] === undefined || users[username] !== password) {
        return failure(response, errorAnswer("badLogin"));
      }
      sessions += 1;
      const token = `session-${username}-${sessions}`;
      tokens.add(token);
      return json(response, 200, { token });
    }
    if (guarded) {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (!bearer || !tokens.has(bearer)) return failure(response, errorAnswer("unauthenticated"));
    }
    const answer = operations(method, url, body);
    if (!answer) return text(response, 404, "404 page not found");
    if ("error" in answer) return failure(response, answer.error);
    return json(response, 200, answer.value);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const api = {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    applications: state.applications,
    operations: state.operations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return Object.defineProperties(api, {
    healthy: { get: () => state.healthy, set: (value: boolean) => (state.healthy = value), enumerable: true },
    failing: { get: () => state.failing, set: (value: boolean) => (state.failing = value), enumerable: true },
    busy: { get: () => state.busy, set: (value: number) => (state.busy = value), enumerable: true },
  }) as ArgoCdApi;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "text/plain" }).end(body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function failure(response: ServerResponse, answer: ErrorAnswer): void {
  json(response, answer.status, answer.body);
}
