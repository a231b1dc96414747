import { type GitHubExchange, octokitScenario } from "./exchange.ts";

/** The scenarios a default double answers from. */
export const defaultScenarios = [
  "get-repository",
  "get-content",
  "paginate-issues",
  "search-issues",
  "get-root",
];

/**
 * A `fetch` for `createGitHubClient` that answers from recorded exchanges: the one with the
 * same method and path (query included; any base URL). `requests` lists what it was asked.
 * A request nothing was recorded for answers GitHub's 404, naming what was recorded.
 */
export function recordedGitHub(
  exchanges: Iterable<GitHubExchange> = defaultScenarios.flatMap(octokitScenario),
): typeof fetch & { readonly requests: { method: string; path: string; headers: Headers }[] } {
  const recorded = [...exchanges];
  const requests: { method: string; path: string; headers: Headers }[] = [];
  const double = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? "GET").toUpperCase();
    const path = `${url.pathname.replace(/^\/api\/v3/, "")}${url.search}`;
    requests.push({ method, path, headers: new Headers(init?.headers) });
    const exchange = recorded.find((each) => each.method === method && each.path === path);
    if (!exchange) {
      return Response.json(
        {
          message: `Not Found (the GitHub double has no recording of ${method} ${path}; recorded: ${recorded.map((each) => `${each.method} ${each.path}`).join(", ")})`,
          documentation_url: "https://docs.github.com/rest",
        },
        { status: 404 },
      );
    }
    const body =
      typeof exchange.response === "string" ? exchange.response : JSON.stringify(exchange.response);
    const headers = Object.fromEntries(
      Object.entries(exchange.headers).filter(
        ([name]) => name !== "content-length" && name !== "transfer-encoding",
      ),
    );
    return new Response(body, { status: exchange.status, headers });
  };
  return Object.assign(double, { requests }) as typeof fetch & { readonly requests: typeof requests };
}
