import { z } from "zod";
import { limitOf, type ProviderRequest, providerAnswer, withSites } from "./request.ts";
import type { SearchClient } from "./types.ts";

/** The Brave Search API's web answer (api-dashboard.search.brave.com/app/documentation/web-search), the parts read. */
const answer = z.object({
  web: z
    .object({
      results: z.array(
        z.object({
          title: z.string(),
          url: z.string(),
          description: z.string().optional(),
          page_age: z.string().optional(),
        }),
      ),
    })
    .optional(),
});

export const braveUrl = "https://api.search.brave.com/res/v1";

export interface BraveSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
}

/** Searches through the Brave Search API's `GET /web/search`, the key in `X-Subscription-Token`. */
export function createBraveProvider(settings: BraveSettings): SearchClient {
  const provider = "brave";
  return {
    provider,
    async search(query, options = {}) {
      const limit = limitOf(options.limit, provider);
      const q = withSites(query, options.sites);
      const request: ProviderRequest = {
        provider,
        setting: "BRAVE_SEARCH_API_KEY",
        url: `${settings.baseUrl}/web/search?${new URLSearchParams({ q, count: String(Math.min(limit, 20)) })}`,
        headers: { "x-subscription-token": settings.apiKey },
        timeoutMs: settings.timeoutMs,
        fetch: settings.fetch,
      };
      const data = await providerAnswer(request, {
        schema: answer,
        refusal: "BRAVE_SEARCH_API_KEY is missing, wrong or not subscribed to the Web Search plan",
        detail: (body) => {
          const detail = (body as { error?: { detail?: unknown } } | undefined)?.error?.detail;
          return typeof detail === "string" ? detail : "";
        },
        notTheProvider: `${settings.baseUrl} answered something other than Brave's web search JSON`,
      });
      return {
        provider,
        query: q,
        hits: (data.web?.results ?? []).slice(0, limit).map((hit) => ({
          title: hit.title,
          url: hit.url,
          snippet: hit.description ?? "",
          engines: [provider],
          ...(hit.page_age ? { publishedAt: hit.page_age } : {}),
        })),
        unresponsive: [],
      };
    },
  };
}
