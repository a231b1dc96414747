export {
  createSearchClient,
  type SearchProviderName,
  type SearchSettings,
  searchProviders,
} from "./client.ts";
export { SearchError, type SearchErrorKind } from "./errors.ts";
export { searxngDependencyCheck } from "./health.ts";
export type { SearchAnswer, SearchClient, SearchHit, SearchOptions } from "./types.ts";
