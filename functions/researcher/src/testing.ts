import { recordedGitHub } from "@mesh-six/integration-github/testing";
import { searchDouble } from "@mesh-six/integration-search/testing";

/** One `fetch` for the researcher's tests: SearXNG's documented answers at searxng.test, Octokit's recordings for GitHub. */
export function researchDoubles() {
  const search = searchDouble("searxng");
  const github = recordedGitHub();
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return url.hostname === "searxng.test" ? search.fetch(input, init) : github(input, init);
  }) as typeof globalThis.fetch;
  return { fetch, search, github };
}

export const searxngEnv = { SEARCH_PROVIDER: "searxng", SEARXNG_URL: "http://searxng.test:8080" };
