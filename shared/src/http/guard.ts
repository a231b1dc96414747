import type { FetchHandler } from "../function/define.ts";
import { maxBodyBytes } from "../validate/limits.ts";
import { withinBodyLimit } from "./body.ts";
import { problem } from "./problem.ts";
import { requestTextProblem } from "./request-text.ts";

/**
 * What every request passes before a route sees it (the broker ingress and every
 * function's HTTP routes, on every host): a path and query that are storable text within
 * their lengths (else 400 naming the part), and a body within `maxBodyBytes` (else 413,
 * refused as soon as it passes the limit; see `readBody`).
 */
export function guardRequest(
  handler: FetchHandler,
  options: { readonly maxBodyBytes?: number } = {},
): FetchHandler {
  const limit = options.maxBodyBytes ?? maxBodyBytes;
  return async (request) => {
    const text = requestTextProblem(new URL(request.url));
    if (text) {
      await request.body?.cancel().catch(() => {});
      return problem(400, text.error, text.parameter === undefined ? {} : { parameter: text.parameter });
    }
    const bounded = await withinBodyLimit(request, limit);
    if (!bounded.ok) return bounded.response;
    return handler(bounded.request);
  };
}
