import { z } from "zod";

const url = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL, e.g. ${example}` });

/** The researcher's own variables: the search provider, the documentation sites, GitHub. */
export const researcherConfig = z.object({
  SEARCH_PROVIDER: z
    .enum(["none", "searxng", "brave"])
    .default("none")
    .describe(
      "the web search provider: searxng (SEARXNG_URL) or brave (BRAVE_SEARCH_API_KEY); none: the researcher says it has no web sources instead of inventing any",
    ),
  SEARXNG_URL: url("http://searxng.search:8080")
    .optional()
    .describe("a SearXNG instance whose settings.yml lists json in search.formats (SEARCH_PROVIDER=searxng)"),
  BRAVE_SEARCH_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe("the Brave Search API subscription token (SEARCH_PROVIDER=brave)"),
  DOCS_SITES: z
    .string()
    .default(
      "kubernetes.io,knative.dev,kafka.apache.org,www.postgresql.org,nodejs.org,developer.mozilla.org,docs.github.com",
    )
    .describe("comma-separated documentation sites that docs_search restricts the provider to"),
  GITHUB_API_URL: url("https://api.github.com")
    .default("https://api.github.com")
    .describe("GitHub's REST API for repository analysis (GitHub Enterprise: https://<host>/api/v3)"),
  GITHUB_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe(
      "a GitHub token for repository analysis: private repositories and 5000 requests an hour instead of 60",
    ),
});

export type ResearcherConfig = z.output<typeof researcherConfig>;
