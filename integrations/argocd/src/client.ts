import { ConfigError } from "@mesh-six/shared/errors";
import type { z } from "zod";
import {
  type Application,
  type ApplicationStatus,
  type ApplicationTree,
  application,
  applicationList,
  applicationTree,
  statusOf,
} from "./application.ts";
import { ArgoCdError } from "./errors.ts";
import { answerFailure, errorBody, networkFailure, type RequestContext } from "./failure.ts";
import { safeJson } from "./json.ts";
import { type Credentials, sessionAuth } from "./session.ts";

export interface ArgoCdSettings extends Credentials {
  /** The API server's base URL, e.g. https://argocd-server.argocd (a path prefix is kept). */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** How long one request may take, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** The setting the base URL comes from, named in errors (default ARGOCD_URL). */
  readonly setting?: string;
}

export interface SyncOptions {
  /** The Git revision to sync to; the application's target revision when omitted. */
  readonly revision?: string;
  /** Delete resources no longer in Git. */
  readonly prune?: boolean;
  readonly dryRun?: boolean;
}

export interface ArgoCdClient {
  readonly baseUrl: string;
  getApplication(name: string): Promise<Application>;
  listApplications(filter?: { project?: string; selector?: string }): Promise<Application[]>;
  /** Creates an application (`upsert` replaces one with the same name). */
  createApplication(app: Application, options?: { upsert?: boolean }): Promise<Application>;
  syncApplication(name: string, options?: SyncOptions): Promise<Application>;
  /** Rolls back to the deployment `id` of the application's history. */
  rollbackApplication(
    name: string,
    id: number,
    options?: { prune?: boolean; dryRun?: boolean },
  ): Promise<Application>;
  /** Deletes the application; with `cascade` (the default) its resources too. */
  deleteApplication(name: string, options?: { cascade?: boolean }): Promise<void>;
  resourceTree(name: string): Promise<ApplicationTree>;
  /** Sync and health status (a get, read for the deployer). */
  status(name: string): Promise<ApplicationStatus>;
}

export const defaultTimeoutMs = 10_000;

/** A client for ArgoCD's REST API (token or session auth); every failure is an ArgoCdError that says whether to retry. */
export function createArgoCdClient(settings: ArgoCdSettings): ArgoCdClient {
  const setting = settings.setting ?? "ARGOCD_URL";
  const baseUrl = settings.baseUrl.trim().replace(/\/+$/, "");
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new ConfigError(
      setting,
      `${JSON.stringify(settings.baseUrl)} is not an http(s) URL; give the ArgoCD API server's address, e.g. https://argocd-server.argocd`,
    );
  }
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError("timeoutMs", `${timeoutMs} is not a positive whole number of milliseconds`);
  }
  const fetchImplementation = settings.fetch ?? fetch;

  const send = async (method: string, path: string, body?: unknown, token?: string) => {
    const context: RequestContext = { baseUrl, setting, request: `${method} ${path}`, timeoutMs };
    try {
      const response = await fetchImplementation(`${baseUrl}${path}`, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { response, text: await response.text(), context };
    } catch (error) {
      throw networkFailure(error, context);
    }
  };
  const auth = sessionAuth(settings, (body) => send("POST", "/api/v1/session", body));

  const call = async <T extends z.ZodType>(
    schema: T,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<z.output<T>> => {
    let answer = await send(method, path, body, await auth.token());
    if (answer.response.status === 401 && auth.renewable) {
      answer = await send(method, path, body, await auth.token({ renew: true }));
    }
    const { response, text, context } = answer;
    const json = safeJson(text);
    if (!response.ok) {
      const parsed = errorBody.safeParse(json);
      throw answerFailure(response.status, parsed.success ? parsed.data : undefined, context);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ArgoCdError(
        "unreachable",
        `${baseUrl} answered ${context.request} with something other than ArgoCD's API format; is ${setting} ArgoCD's API server?`,
        { retryable: false, status: response.status },
      );
    }
    return parsed.data;
  };
  const named = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;

  return {
    baseUrl,
    getApplication: (name) => call(application, "GET", named(name)),
    async listApplications(filter = {}) {
      const query = new URLSearchParams();
      if (filter.project) query.set("project", filter.project);
      if (filter.selector) query.set("selector", filter.selector);
      const list = await call(applicationList, "GET", `/api/v1/applications${query.size ? `?${query}` : ""}`);
      return list.items ?? [];
    },
    createApplication: (app, options = {}) =>
      call(application, "POST", `/api/v1/applications${options.upsert ? "?upsert=true" : ""}`, app),
    syncApplication: (name, options = {}) =>
      call(application, "POST", `${named(name)}/sync`, {
        name,
        ...(options.revision ? { revision: options.revision } : {}),
        ...(options.prune ? { prune: true } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      }),
    rollbackApplication: (name, id, options = {}) =>
      call(application, "POST", `${named(name)}/rollback`, {
        name,
        id,
        ...(options.prune ? { prune: true } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      }),
    async deleteApplication(name, options = {}) {
      await call(errorBody, "DELETE", `${named(name)}?cascade=${options.cascade ?? true}`);
    },
    resourceTree: (name) => call(applicationTree, "GET", `${named(name)}/resource-tree`),
    async status(name) {
      return statusOf(await call(application, "GET", named(name)));
    },
  };
}
