import { GitHubError } from "@mesh-six/integration-github";
import { tool } from "@mesh-six/shared/agent";
import { z } from "zod";
import type { ResearcherConfig } from "../config.ts";
import type { ResearchClients } from "./clients.ts";

const readmeLimit = 2_000;

/** repository_analysis: a GitHub repository's summary, root layout, README's opening and open issues. */
export function repositoryAnalysis(clients: (config: ResearcherConfig) => ResearchClients) {
  return tool({
    description:
      "Analyses a GitHub repository through the REST API: stars, forks, language, license, activity, the root files, the README's opening and a page of open issues",
    input: z.object({
      repository: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name, as in github.com/owner/name"),
    }),
    retry: { attempts: 3, delay: "PT2S" },
    run: async ({ repository }, ctx) => {
      const { github } = clients(ctx.config as ResearcherConfig);
      const [owner = "", name = ""] = repository.split("/");
      const summary = await github.repository(owner, name);
      const entries = await github.contents(owner, name);
      const readme = entries.find((entry) => /^readme(\.|$)/i.test(entry.name) && entry.type === "file");
      const text = readme ? await github.file(owner, name, readme.path) : undefined;
      // issues are a signal, not the analysis: a repository whose issues cannot be read is still analysed
      const issues = await github
        .issues(owner, name, { perPage: 10, state: "open" })
        .catch((error: unknown) => {
          if (error instanceof GitHubError && !error.retryable)
            return { issues: [], unreadable: error.message };
          throw error;
        });
      return {
        ...summary,
        rootEntries: entries.map((entry) => `${entry.path}${entry.type === "dir" ? "/" : ""}`),
        ...(text === undefined
          ? {}
          : { readme: text.length > readmeLimit ? `${text.slice(0, readmeLimit)}…` : text }),
        openIssueTitles: issues.issues.filter((issue) => !issue.pullRequest).map((issue) => issue.title),
        ...("unreadable" in issues ? { issuesUnreadable: issues.unreadable } : {}),
      };
    },
  });
}
