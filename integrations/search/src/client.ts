import { ConfigError } from "@mesh-six/shared/errors";
import { braveUrl, createBraveProvider } from "./brave.ts";
import { createSearxngProvider } from "./searxng.ts";
import type { SearchClient } from "./types.ts";

export const searchProviders = ["searxng", "brave"] as const;
export type SearchProviderName = (typeof searchProviders)[number];

export interface SearchSettings {
  readonly provider: SearchProviderName;
  /** SearXNG: the instance (SEARXNG_URL); Brave: the API's base (default https://api.search.brave.com/res/v1). */
  readonly baseUrl?: string;
  /** Brave: the subscription token (BRAVE_SEARCH_API_KEY). */
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
  /** How long one search may take, in milliseconds (default 10000). */
  readonly timeoutMs?: number;
}

/** A search client for the configured provider; settings that cannot work throw a ConfigError naming the variable. */
export function createSearchClient(settings: SearchSettings): SearchClient {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new ConfigError("timeoutMs", `${timeoutMs} is not a positive whole number of milliseconds`);
  }
  const fetchImplementation = settings.fetch ?? fetch;
  if (settings.provider === "searxng") {
    return createSearxngProvider({
      baseUrl: httpUrl(settings.baseUrl, "SEARXNG_URL", "http://searxng.search:8080"),
      fetch: fetchImplementation,
      timeoutMs,
    });
  }
  if (settings.provider === "brave") {
    const apiKey = settings.apiKey?.trim();
    if (!apiKey) {
      throw new ConfigError(
        "BRAVE_SEARCH_API_KEY",
        "is required with SEARCH_PROVIDER=brave: the subscription token from the Brave Search API dashboard",
      );
    }
    return createBraveProvider({
      baseUrl: httpUrl(settings.baseUrl ?? braveUrl, "BRAVE_SEARCH_URL", braveUrl),
      apiKey,
      fetch: fetchImplementation,
      timeoutMs,
    });
  }
  throw new ConfigError(
    "SEARCH_PROVIDER",
    `${JSON.stringify(settings.provider)} is not a search provider; use one of ${searchProviders.join(", ")}`,
  );
}

function httpUrl(value: string | undefined, setting: string, example: string): string {
  const url = (value ?? "").trim().replace(/\/+$/, "");
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ConfigError(setting, `${JSON.stringify(value ?? "")} is not an http(s) URL, e.g. ${example}`);
  }
  return url;
}
