import { readdirSync, readFileSync } from "node:fs";

/** One answer a search double gives, with where its shape comes from. */
export interface SearchFixture {
  readonly name: string;
  readonly source: string;
  readonly provider: string;
  /** A text the query contains ("" matches every query); the longest match wins. */
  readonly match: string;
  readonly response: {
    readonly status: number;
    readonly body?: unknown;
    readonly text?: string;
    readonly contentType?: string;
  };
}

const folder = new URL("../__fixtures__/", import.meta.url);

/** The fixtures in src/__fixtures__ for a provider. */
export function searchFixtures(provider: string): SearchFixture[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(new URL(file, folder), "utf8")) as SearchFixture)
    .filter((fixture) => fixture.provider === provider);
}

export interface SearchDouble {
  readonly fetch: typeof fetch;
  /** The query (`q`) of every request, in order. */
  readonly queries: string[];
  readonly requests: { url: URL; headers: Headers }[];
}

/**
 * A `fetch` for `createSearchClient` that answers as the provider documents: the fixture
 * whose `match` the query contains (the longest), for any base URL.
 */
export function searchDouble(
  provider: "searxng" | "brave",
  fixtures = searchFixtures(provider),
): SearchDouble {
  const queries: string[] = [];
  const requests: { url: URL; headers: Headers }[] = [];
  const fetchDouble = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const query = url.searchParams.get("q") ?? "";
    queries.push(query);
    requests.push({ url, headers: new Headers(init?.headers) });
    const fixture = fixtures
      .filter((each) => query.toLowerCase().includes(each.match.toLowerCase()))
      .sort((a, b) => b.match.length - a.match.length)[0];
    if (!fixture) return new Response("no fixture", { status: 404 });
    const { status, body, text, contentType } = fixture.response;
    return new Response(text ?? JSON.stringify(body), {
      status,
      headers: { "content-type": contentType ?? "application/json" },
    });
  };
  return { fetch: fetchDouble as typeof fetch, queries, requests };
}
