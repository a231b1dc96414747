import { ConfigError } from "@mesh-six/shared/errors";
import type { z } from "zod";
import { GitHubError } from "./errors.ts";
import { answerFailure, networkFailure, type RequestContext } from "./failure.ts";
import {
  type ContentEntry,
  contentEntry,
  type Issue,
  issueAnswer,
  nextLink,
  type Repository,
  repositoryAnswer,
  searchIssuesAnswer,
  toIssue,
  toRepository,
} from "./shapes.ts";

export interface GitHubSettings {
  /** The REST API's base URL: https://api.github.com (the default), or GitHub Enterprise's https://<host>/api/v3. */
  readonly baseUrl?: string;
  /** A personal access or installation token; without one GitHub allows 60 requests an hour and no private repositories. */
  readonly token?: string;
  readonly fetch?: typeof fetch;
  /** How long one request may take, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  /** Milliseconds since the epoch, for rate-limit resets (default Date.now). */
  readonly now?: () => number;
}

export interface GitHubClient {
  readonly baseUrl: string;
  repository(owner: string, name: string): Promise<Repository>;
  /** A directory's entries (`path` "" is the root). */
  contents(owner: string, name: string, path?: string): Promise<ContentEntry[]>;
  /** A file's text (the raw media type). */
  file(owner: string, name: string, path: string): Promise<string>;
  /** One page of issues and pull requests, with the next page's URL when there is one. */
  issues(
    owner: string,
    name: string,
    options?: { perPage?: number; state?: "open" | "closed" | "all" },
  ): Promise<{ issues: Issue[]; next?: string }>;
  searchIssues(query: string): Promise<{ total: number; issues: Issue[] }>;
}

export const defaultGitHubUrl = "https://api.github.com";
const namePattern = /^[A-Za-z0-9_.-]{1,100}$/;

/** A client for GitHub's REST API (v3, the version 2022-11-28); every failure is a GitHubError that says whether to retry. */
export function createGitHubClient(settings: GitHubSettings = {}): GitHubClient {
  const baseUrl = (settings.baseUrl?.trim() || defaultGitHubUrl).replace(/\/+$/, "");
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new ConfigError(
      "GITHUB_API_URL",
      `${JSON.stringify(settings.baseUrl)} is not an http(s) URL; use https://api.github.com or https://<host>/api/v3`,
    );
  }
  const timeoutMs = settings.timeoutMs ?? 10_000;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError("timeoutMs", `${timeoutMs} is not a positive whole number of milliseconds`);
  }
  const fetchImplementation = settings.fetch ?? fetch;
  const now = settings.now ?? Date.now;
  const token = settings.token?.trim();

  const call = async (path: string, accept = "application/vnd.github.v3+json") => {
    const context: RequestContext = {
      baseUrl,
      path,
      authenticated: Boolean(token),
      timeoutMs,
      now: now() / 1000,
    };
    let response: Response;
    let text: string;
    try {
      response = await fetchImplementation(path.startsWith("http") ? path : `${baseUrl}${path}`, {
        headers: {
          accept,
          "x-github-api-version": "2022-11-28",
          "user-agent": "mesh-six",
          ...(token ? { authorization: `token ${token}` } : {}),
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkFailure(error, context);
    }
    if (!response.ok) throw answerFailure(response, messageOf(text) ?? `HTTP ${response.status}`, context);
    return { response, text };
  };
  const json = async <Schema extends z.ZodType>(path: string, schema: Schema) => {
    const { response, text } = await call(path);
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new GitHubError(
        "unreachable",
        `${baseUrl}${path} answered something other than GitHub's API format; is GITHUB_API_URL GitHub's REST API?`,
        { retryable: false, status: response.status },
      );
    }
    return { response, data: parsed.data as z.output<Schema> };
  };
  const repo = (owner: string, name: string) =>
    `/repos/${checked("owner", owner)}/${checked("repository", name)}`;

  return {
    baseUrl,
    async repository(owner, name) {
      return toRepository((await json(repo(owner, name), repositoryAnswer)).data);
    },
    async contents(owner, name, path = "") {
      const { data } = await json(`${repo(owner, name)}/contents/${encodePath(path)}`, contentEntry.array());
      return data;
    },
    async file(owner, name, path) {
      return (
        await call(`${repo(owner, name)}/contents/${encodePath(path)}`, "application/vnd.github.v3.raw")
      ).text;
    },
    async issues(owner, name, options = {}) {
      const query = new URLSearchParams({ per_page: String(options.perPage ?? 30) });
      if (options.state) query.set("state", options.state);
      const { response, data } = await json(`${repo(owner, name)}/issues?${query}`, issueAnswer.array());
      const next = nextLink(response.headers.get("link"));
      return { issues: data.map(toIssue), ...(next ? { next } : {}) };
    },
    async searchIssues(query) {
      const { data } = await json(`/search/issues?q=${encodeURIComponent(query)}`, searchIssuesAnswer);
      return { total: data.total_count, issues: data.items.map(toIssue) };
    },
  };
}

function checked(what: string, value: string): string {
  if (!namePattern.test(value)) {
    throw new GitHubError(
      "invalid",
      `${JSON.stringify(value)} is not a GitHub ${what} name (1–100 letters, digits, '.', '-' or '_'); give it as in github.com/<owner>/<repository>`,
      { retryable: false },
    );
  }
  return value;
}

function encodePath(path: string): string {
  return path
    .split("/")
    .filter((part) => part !== "")
    .map(encodeURIComponent)
    .join("/");
}

function messageOf(text: string): string | undefined {
  const body = safeJson(text) as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
