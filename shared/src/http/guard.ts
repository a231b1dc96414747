import type { FetchHandler, FunctionDefinition } from "../function/define.ts";
import { maxBodyBytes } from "../validate/limits.ts";
import { withinBodyLimit } from "./body.ts";
import { problem } from "./problem.ts";
import { requestTextProblem } from "./request-text.ts";

/**
 * The body limit of each request path: a function's `http.maxBodyBytes` on its paths,
 * `maxBodyBytes` (1 MiB) everywhere else.
 */
export function bodyLimitOf(functions: readonly FunctionDefinition[]): (pathname: string) => number {
  const limits = functions.flatMap(({ http }) => {
    const limit = http?.maxBodyBytes;
    return http && limit !== undefined
      ? http.paths.map((path) => ({ path: path.replace(/\/$/, ""), limit }))
      : [];
  });
  return (pathname) =>
    limits.find(({ path }) => pathname === path || pathname.startsWith(`${path}/`))?.limit ?? maxBodyBytes;
}

/**
 * What every request passes before a route sees it (the broker ingress and every
 * function's HTTP routes, on every host): a path and query that are storable text within
 * their lengths (else 400 naming the part), and a body within `maxBodyBytes` (else 413,
 * refused as soon as it passes the limit; see `readBody`).
 */
export function guardRequest(
  handler: FetchHandler,
  options: {
    /** The body limit, or a limit per request path (`bodyLimitOf`); `maxBodyBytes` when omitted. */
    readonly maxBodyBytes?: number | ((pathname: string) => number);
  } = {},
): FetchHandler {
  const limitOf = options.maxBodyBytes ?? maxBodyBytes;
  return async (request) => {
    const url = new URL(request.url);
    const text = requestTextProblem(url);
    if (text) {
      await request.body?.cancel().catch(() => {});
      return problem(400, text.error, text.parameter === undefined ? {} : { parameter: text.parameter });
    }
    const limit = typeof limitOf === "number" ? limitOf : limitOf(url.pathname);
    const bounded = await withinBodyLimit(request, limit);
    if (!bounded.ok) return bounded.response;
    return handler(bounded.request);
  };
}
