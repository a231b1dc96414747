import { errorMessage } from "@mesh-six/shared/errors";
import type { z } from "zod";
import { SearchError } from "./errors.ts";

export interface ProviderRequest {
  readonly provider: string;
  /** The setting that holds its URL, named in errors. */
  readonly setting: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

/** A GET of the provider's API: its status and JSON (undefined when the body is not JSON), or a SearchError for no answer. */
export async function getJson(
  request: ProviderRequest,
): Promise<{ status: number; body: unknown; text: string }> {
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(request.url, {
      headers: { accept: "application/json", ...request.headers },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw noAnswer(error, request);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

function noAnswer(error: unknown, request: ProviderRequest): SearchError {
  const where = `${request.provider} at ${new URL(request.url).origin} (${request.setting})`;
  const options = { provider: request.provider, cause: error };
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new SearchError("timeout", `${where} did not answer within ${request.timeoutMs} ms; try again`, {
      ...options,
      retryable: true,
    });
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  if (code === "ENOTFOUND") {
    return new SearchError(
      "unreachable",
      `${where}: the host does not resolve (ENOTFOUND); fix ${request.setting}`,
      {
        ...options,
        retryable: false,
      },
    );
  }
  return new SearchError(
    "unavailable",
    `${where} could not be reached (${code ?? errorMessage(error)}); is it running?`,
    {
      ...options,
      retryable: true,
    },
  );
}

/** The error for a status that is not 2xx, in the words each provider's case needs. */
export function statusFailure(
  status: number,
  detail: string,
  request: ProviderRequest,
  refusal: string,
): SearchError {
  const said = `${request.provider} answered ${status}${detail ? ` (${detail})` : ""}`;
  const options = { provider: request.provider, status };
  if (status === 401 || status === 403)
    return new SearchError("refused", `${said}; ${refusal}`, { ...options, retryable: false });
  if (status === 429) {
    return new SearchError("rate_limited", `${said}: too many searches; try again later`, {
      ...options,
      retryable: true,
    });
  }
  if (status >= 500)
    return new SearchError("unavailable", `${said}; trying again may help`, { ...options, retryable: true });
  return new SearchError("bad_request", `${said}; the query or a parameter was refused`, {
    ...options,
    retryable: false,
  });
}

/** The query with `site:` filters for the sites, as SearXNG's engines and Brave understand them. */
export function withSites(query: string, sites: readonly string[] | undefined): string {
  if (!sites || sites.length === 0) return query;
  const filters = sites.map((site) => `site:${site}`);
  return `${query} ${filters.length === 1 ? filters[0] : `(${filters.join(" OR ")})`}`;
}

export function limitOf(limit: number | undefined, provider: string): number {
  const value = limit ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > 50) {
    throw new SearchError("bad_request", `limit must be a whole number from 1 to 50, got ${value}`, {
      provider,
      retryable: false,
    });
  }
  return value;
}

/** How a provider's answers are read: its schema, what a 401/403 means, where its error detail is. */
export interface AnswerReading<Schema extends z.ZodType> {
  readonly schema: Schema;
  readonly refusal: string;
  readonly detail?: (body: unknown) => string;
  /** Said when a 2xx body does not match the schema. */
  readonly notTheProvider: string;
}

/** The provider's answer parsed with its schema, or the SearchError for its status or shape. */
export async function providerAnswer<Schema extends z.ZodType>(
  request: ProviderRequest,
  reading: AnswerReading<Schema>,
): Promise<z.output<Schema>> {
  const { status, body } = await getJson(request);
  if (status < 200 || status > 299) {
    throw statusFailure(status, reading.detail?.(body) ?? "", request, reading.refusal);
  }
  const parsed = reading.schema.safeParse(body);
  if (!parsed.success) {
    throw new SearchError("unreachable", reading.notTheProvider, {
      provider: request.provider,
      retryable: false,
      status,
    });
  }
  return parsed.data as z.output<Schema>;
}
