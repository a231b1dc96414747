import { type RecordedExchange, recordedExchanges } from "./fixture.ts";

/** The fields a recorded answer is chosen by; times (`time`, `start`, `end`, `timeout`) are not among them. */
const matched = ["query", "step"] as const;

/**
 * A `fetch` for `createPrometheusClient` that answers from the responses recorded from a
 * real Prometheus (src/__fixtures__): the exchange with the same path (base URLs without a path prefix), `query` and `step`.
 * A request nothing was recorded for rejects, naming it and what was recorded.
 */
export function recordedPrometheus(
  exchanges: Iterable<RecordedExchange> = recordedExchanges().values(),
): typeof fetch {
  const recorded = [...exchanges];
  return async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const form = new URLSearchParams(typeof init?.body === "string" ? init.body : String(init?.body ?? ""));
    const exchange = recorded.find(
      ({ request }) =>
        path === request.path && matched.every((field) => (request.form[field] ?? null) === form.get(field)),
    );
    if (!exchange) {
      throw new Error(
        `no recorded Prometheus answer for ${path} query=${form.get("query")}; recorded: ${recorded.map(({ name }) => name).join(", ")}`,
      );
    }
    const { status, contentType, body } = exchange.response;
    return new Response(body, { status, headers: { "content-type": contentType } });
  };
}
