import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import type { ResearcherConfig } from "../config.ts";
import { noProvider, type ResearchClients } from "./clients.ts";

type Clients = (config: ResearcherConfig) => ResearchClients;

const retry = { attempts: 3, delay: "PT2S" } as const;

/** web_search: the configured provider; says so when there is none. */
export function webSearch(clients: Clients) {
  return tool({
    description: "Searches the web through the configured search provider; answers titles, URLs and snippets",
    input: z.object({
      query: z.string().trim().min(1).max(500),
      limit: z.number().int().min(1).max(20).optional(),
    }),
    retry,
    run: async ({ query, limit }, ctx) => {
      const { search } = clients(ctx.config as ResearcherConfig);
      if (!search) return noProvider;
      const answer = await search.search(query, { limit: limit ?? 8 });
      return { configured: true, provider: answer.provider, query: answer.query, hits: answer.hits };
    },
  });
}

/** docs_search: the provider restricted to the documentation sites (DOCS_SITES, or those the call names). */
export function docsSearch(clients: Clients) {
  return tool({
    description:
      "Searches documentation sites only (the configured DOCS_SITES, or the sites given); answers titles, URLs and snippets",
    input: z.object({
      query: z.string().trim().min(1).max(500),
      sites: z
        .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "a host name such as kubernetes.io"))
        .max(10)
        .optional(),
    }),
    retry,
    run: async ({ query, sites }, ctx) => {
      const { search, docsSites } = clients(ctx.config as ResearcherConfig);
      if (!search) return noProvider;
      const restricted = sites && sites.length > 0 ? sites : docsSites;
      const answer = await search.search(query, { limit: 8, sites: restricted });
      return { configured: true, provider: answer.provider, sites: restricted, hits: answer.hits };
    },
  });
}
