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
 * The `http.restyle` of the function serving each request path (its refusals in the error
 * shape of the API it imitates), the answer as it is on other paths.
 */
export function restyleOf(
  functions: readonly FunctionDefinition[],
): (request: Request, refusal: Response) => Promise<Response> {
  const styled = functions.flatMap(({ http }) =>
    http?.restyle
      ? http.paths.map((path) => ({ path: path.replace(/\/$/, ""), restyle: http.restyle! }))
      : [],
  );
  return async (request, refusal) => {
    const { pathname } = new URL(request.url);
    const found = styled.find(({ path }) => pathname === path || pathname.startsWith(`${path}/`));
    return found ? found.restyle(request, refusal) : refusal;
  };
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
    /** Rewrites its refusals for the path's function (`restyleOf`); as they are when omitted. */
    readonly restyle?: (request: Request, refusal: Response) => Response | Promise<Response>;
  } = {},
): FetchHandler {
  const limitOf = options.maxBodyBytes ?? maxBodyBytes;
  const refuse = (request: Request, refusal: Response) =>
    options.restyle ? options.restyle(request, refusal) : refusal;
  return async (request) => {
    const url = new URL(request.url);
    const text = requestTextProblem(url);
    if (text) {
      await request.body?.cancel().catch(() => {});
      return refuse(
        request,
        problem(400, text.error, text.parameter === undefined ? {} : { parameter: text.parameter }),
      );
    }
    const limit = typeof limitOf === "number" ? limitOf : limitOf(url.pathname);
    const bounded = await withinBodyLimit(request, limit);
    if (!bounded.ok) return refuse(request, bounded.response);
    return handler(bounded.request);
  };
}
