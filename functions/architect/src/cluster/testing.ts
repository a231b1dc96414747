import { readFileSync } from "node:fs";

/** One answer of the Kubernetes API double, with where its shape comes from. */
export interface KubernetesExchange {
  readonly path: string;
  readonly source: string;
  readonly status: number;
  readonly body: unknown;
}

const read = (file: string) =>
  (
    JSON.parse(readFileSync(new URL(`__fixtures__/${file}`, import.meta.url), "utf8")) as {
      exchanges: KubernetesExchange[];
    }
  ).exchanges;

/** The cluster's answers (src/cluster/__fixtures__/cluster.json) and the failures (failures.json). */
export const clusterExchanges = () => read("cluster.json");
export const failureExchanges = () => read("failures.json");

/**
 * A `fetch` answering as the Kubernetes API server: the exchange for the path (later ones
 * win, so failures can replace answers); any other path gets the API's 404 Status.
 */
export function kubernetesDouble(exchanges: readonly KubernetesExchange[] = clusterExchanges()) {
  const requests: { path: string; authorization: string | null }[] = [];
  const fetchDouble = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push({ path: url.pathname, authorization: new Headers(init?.headers).get("authorization") });
    const exchange = exchanges.findLast((each) => each.path === url.pathname);
    if (!exchange) {
      return Response.json(
        {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          message: "the server could not find the requested resource",
          reason: "NotFound",
          code: 404,
        },
        { status: 404 },
      );
    }
    return Response.json(exchange.body, { status: exchange.status });
  };
  return { fetch: fetchDouble as typeof fetch, requests };
}
