import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** One HTTP exchange a GitHub double answers, with where it came from. */
export interface GitHubExchange {
  readonly source: string;
  readonly method: string;
  /** Path and query as sent to https://api.github.com. */
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON, or text for raw media types. */
  readonly response: unknown;
}

interface NormalizedFixture {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly response: unknown;
  readonly headers?: Record<string, string | string[]>;
}

const require = createRequire(import.meta.url);

/**
 * The exchanges of one `@octokit/fixtures` scenario (`get-repository`, `get-content`,
 * `paginate-issues`, `search-issues`, `errors`, …): real answers of api.github.com that
 * Octokit recorded and normalized (ids, dates and tokens replaced), read from the package.
 */
export function octokitScenario(scenario: string): GitHubExchange[] {
  const version = (require("@octokit/fixtures/package.json") as { version: string }).version;
  const file = require.resolve(
    `@octokit/fixtures/scenarios/api.github.com/${scenario}/normalized-fixture.json`,
  );
  const fixtures = JSON.parse(readFileSync(file, "utf8")) as NormalizedFixture[];
  return fixtures.map((fixture) => ({
    source: `@octokit/fixtures ${version}, scenarios/api.github.com/${scenario}/normalized-fixture.json (recorded from api.github.com by Octokit)`,
    method: fixture.method.toUpperCase(),
    path: fixture.path,
    status: fixture.status,
    headers: Object.fromEntries(
      Object.entries(fixture.headers ?? {}).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(", ") : value,
      ]),
    ),
    response: fixture.response,
  }));
}

/** The error answers GitHub documents that Octokit's recordings lack (src/__fixtures__/documented-errors.json, each naming its page). */
export function documentedErrors(): GitHubExchange[] {
  const file = new URL("../__fixtures__/documented-errors.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { exchanges: GitHubExchange[] }).exchanges;
}
