/**
 * The requests recorded as fixtures (scripts/record-fixtures.ts) and replayed against the
 * real server by the services suite, which checks that its answers still have the recorded
 * shape. `time`, `start` and `end` are filled in when recording; `window` is the range's length.
 */
export interface FixtureRequest {
  readonly name: string;
  readonly path: string;
  readonly form: Readonly<Record<string, string>>;
  /** For range queries: `start` is this many seconds before `end` (now). */
  readonly window?: number;
}

export const fixtureRequests: readonly FixtureRequest[] = [
  { name: "query-up", path: "/api/v1/query", form: { query: "up" } },
  { name: "query-scalar", path: "/api/v1/query", form: { query: "scalar(up)" } },
  { name: "query-string", path: "/api/v1/query", form: { query: '"mesh-six"' } },
  { name: "query-range-up", path: "/api/v1/query_range", form: { query: "up", step: "1" }, window: 4 },
  { name: "parse-error", path: "/api/v1/query", form: { query: "sum(rate(up" } },
  {
    name: "execution-error",
    path: "/api/v1/query",
    form: {
      query:
        '{__name__=~"up|scrape_samples_scraped"} / on(job) group_left {__name__=~"up|scrape_samples_scraped"}',
    },
  },
  { name: "bad-step", path: "/api/v1/query_range", form: { query: "up", step: "0" }, window: 4 },
  { name: "no-api-here", path: "/api/v1/api/v1/query", form: { query: "up" } },
];
