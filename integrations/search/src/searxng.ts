import { z } from "zod";
import { limitOf, type ProviderRequest, providerAnswer, withSites } from "./request.ts";
import type { SearchClient } from "./types.ts";

/** SearXNG's JSON answer (docs.searxng.org/dev/search_api.html), the parts read; lenient. */
const answer = z.object({
  query: z.string(),
  results: z.array(
    z.object({
      url: z.string(),
      title: z.string().default(""),
      content: z.string().nullish(),
      engine: z.string().optional(),
      engines: z.array(z.string()).optional(),
      publishedDate: z.string().nullish(),
    }),
  ),
  unresponsive_engines: z.array(z.union([z.string(), z.array(z.string())])).default([]),
});

export interface SearxngSettings {
  /** The instance's base URL, e.g. http://searxng.search:8080 (SEARXNG_URL). */
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
}

/** Searches through a SearXNG instance's `GET /search?format=json` (the instance must list `json` in `search.formats`). */
export function createSearxngProvider(settings: SearxngSettings): SearchClient {
  const provider = "searxng";
  return {
    provider,
    async search(query, options = {}) {
      const limit = limitOf(options.limit, provider);
      const q = withSites(query, options.sites);
      const request: ProviderRequest = {
        provider,
        setting: "SEARXNG_URL",
        url: `${settings.baseUrl}/search?${new URLSearchParams({ q, format: "json" })}`,
        headers: {},
        timeoutMs: settings.timeoutMs,
        fetch: settings.fetch,
      };
      const data = await providerAnswer(request, {
        schema: answer,
        refusal:
          "SearXNG serves JSON only when its settings.yml lists it: add `json` to `search.formats` and restart it",
        notTheProvider: `${settings.baseUrl}/search answered something other than SearXNG's JSON; is SEARXNG_URL a SearXNG instance?`,
      });
      return {
        provider,
        query: q,
        hits: data.results.slice(0, limit).map((hit) => ({
          title: hit.title,
          url: hit.url,
          snippet: hit.content ?? "",
          engines: hit.engines ?? (hit.engine ? [hit.engine] : []),
          ...(hit.publishedDate ? { publishedAt: hit.publishedDate } : {}),
        })),
        unresponsive: data.unresponsive_engines.map((each) => (Array.isArray(each) ? each.join(": ") : each)),
      };
    },
  };
}
