import type { MiddlewareHandler } from "hono";

/** Where the OpenAI-compatible API lives. */
export const openAiPrefix = "/v1";

/** An error body as OpenAI's API writes it. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/** The type and code OpenAI gives each status (its error codes guide). */
const byStatus: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "insufficient_permissions" },
  404: { type: "invalid_request_error", code: "not_found" },
  405: { type: "invalid_request_error", code: "method_not_allowed" },
  409: { type: "invalid_request_error", code: "conflict" },
  413: { type: "invalid_request_error", code: "request_too_large" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};

/** `{error: {message, type, param, code}}` with `status`; type and code follow the status unless given. */
export function openAiError(
  status: number,
  message: string,
  details: { readonly param?: string; readonly code?: string; readonly type?: string } = {},
  headers: Readonly<Record<string, string>> = {},
): Response {
  return Response.json(errorBody(status, message, details), { status, headers });
}

export function errorBody(
  status: number,
  message: string,
  details: { readonly param?: string; readonly code?: string; readonly type?: string } = {},
): OpenAiErrorBody {
  const known = byStatus[status] ?? {
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return {
    error: {
      message,
      type: details.type ?? known.type,
      param: details.param ?? null,
      code: details.code ?? known.code,
    },
  };
}

/**
 * A mesh-six error answer (`{error: "…", parameter?, field?, header?}`: authentication,
 * the rate limit, 404/405 outside routes, the gateway's 500) in OpenAI's shape, its status
 * and headers (`retry-after`, `www-authenticate`) kept; any other answer as it is.
 */
export async function inOpenAiShape(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body.error !== "string") return response;
  const param = [body.parameter, body.field, body.header].find(
    (value): value is string => typeof value === "string",
  );
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return Response.json(errorBody(response.status, body.error, param === undefined ? {} : { param }), {
    status: response.status,
    headers,
  });
}

/** Middleware: every answer under it that is a mesh-six error comes out in OpenAI's shape. */
export const openAiShaped: MiddlewareHandler = async (context, next) => {
  await next();
  context.res = await inOpenAiShape(context.res);
};

/**
 * For the host's own answers before the gateway sees a request (the rate limit's 429 with
 * `retry-after`): in OpenAI's shape on the OpenAI-compatible API's paths, as they are elsewhere.
 */
export async function restyleForOpenAi(request: Request, response: Response): Promise<Response> {
  const { pathname } = new URL(request.url);
  return pathname === openAiPrefix || pathname.startsWith(`${openAiPrefix}/`)
    ? inOpenAiShape(response)
    : response;
}
