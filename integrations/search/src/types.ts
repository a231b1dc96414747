/** One search hit, the same for every provider. */
export interface SearchHit {
  readonly title: string;
  readonly url: string;
  readonly snippet: string;
  /** Where it came from: SearXNG's engines, or the provider. */
  readonly engines: readonly string[];
  readonly publishedAt?: string;
}

export interface SearchOptions {
  /** At most this many hits (default 10, at most 50). */
  readonly limit?: number;
  /** Only pages of these sites (host names, e.g. `docs.python.org`): the query gets `site:` filters. */
  readonly sites?: readonly string[];
}

export interface SearchAnswer {
  readonly provider: string;
  readonly query: string;
  readonly hits: readonly SearchHit[];
  /** Engines the provider reported as not answering (SearXNG's `unresponsive_engines`). */
  readonly unresponsive: readonly string[];
}

/** A search provider: what `createSearchClient` gives whichever provider is configured. */
export interface SearchClient {
  readonly provider: string;
  search(query: string, options?: SearchOptions): Promise<SearchAnswer>;
}
