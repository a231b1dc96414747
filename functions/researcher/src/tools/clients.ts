import { createGitHubClient, type GitHubClient } from "@mesh-six/integration-github";
import { createSearchClient, type SearchClient } from "@mesh-six/integration-search";
import type { ResearcherConfig } from "../config.ts";

/** The outside systems a researcher's tools use; `fetch` injectable for tests. */
export interface ResearchClients {
  /** The configured provider; undefined when SEARCH_PROVIDER is none. */
  readonly search: SearchClient | undefined;
  readonly github: GitHubClient;
  readonly docsSites: readonly string[];
}

/** The clients for a run's configuration (ConfigError naming the variable when one cannot work). */
export function researchClients(
  config: ResearcherConfig,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): ResearchClients {
  const search =
    config.SEARCH_PROVIDER === "none"
      ? undefined
      : createSearchClient({
          provider: config.SEARCH_PROVIDER,
          ...(config.SEARCH_PROVIDER === "searxng" ? { baseUrl: config.SEARXNG_URL ?? "" } : {}),
          ...(config.BRAVE_SEARCH_API_KEY ? { apiKey: config.BRAVE_SEARCH_API_KEY } : {}),
          fetch,
        });
  return {
    search,
    github: createGitHubClient({
      baseUrl: config.GITHUB_API_URL,
      ...(config.GITHUB_TOKEN ? { token: config.GITHUB_TOKEN } : {}),
      fetch,
    }),
    docsSites: config.DOCS_SITES.split(",")
      .map((site) => site.trim())
      .filter((site) => site !== ""),
  };
}

/** What a search tool answers when no provider is configured: said plainly, so the model cites nothing it did not find. */
export const noProvider = {
  configured: false,
  message:
    "No web search provider is configured (SEARCH_PROVIDER is none), so there are no web sources: say so in the answer and cite none; set SEARCH_PROVIDER=searxng with SEARXNG_URL, or brave with BRAVE_SEARCH_API_KEY",
} as const;
