import { z } from "zod";

/** The parts of GitHub's answers the client reads; lenient (GitHub adds fields), checked so a wrong URL is noticed. */
export const repositoryAnswer = z.object({
  full_name: z.string(),
  html_url: z.string(),
  description: z.string().nullable().optional(),
  stargazers_count: z.number(),
  forks_count: z.number(),
  open_issues_count: z.number(),
  language: z.string().nullable().optional(),
  topics: z.array(z.string()).optional(),
  license: z.object({ spdx_id: z.string().nullable().optional(), name: z.string() }).nullable().optional(),
  default_branch: z.string(),
  archived: z.boolean().optional(),
  pushed_at: z.string().nullable().optional(),
});

export const contentEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.string(),
  size: z.number(),
});

export const issueAnswer = z.object({
  number: z.number(),
  title: z.string(),
  state: z.string(),
  html_url: z.string(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string() })])).optional(),
  pull_request: z.unknown().optional(),
});

export const searchIssuesAnswer = z.object({ total_count: z.number(), items: z.array(issueAnswer) });

export interface Repository {
  readonly fullName: string;
  readonly url: string;
  readonly description: string | null;
  readonly stars: number;
  readonly forks: number;
  readonly openIssues: number;
  readonly language: string | null;
  readonly topics: readonly string[];
  readonly license: string | null;
  readonly defaultBranch: string;
  readonly archived: boolean;
  readonly pushedAt: string | null;
}

export interface ContentEntry {
  readonly name: string;
  readonly path: string;
  readonly type: string;
  readonly size: number;
}

export interface Issue {
  readonly number: number;
  readonly title: string;
  readonly state: string;
  readonly url: string;
  readonly labels: readonly string[];
  readonly pullRequest: boolean;
}

export function toRepository(answer: z.output<typeof repositoryAnswer>): Repository {
  return {
    fullName: answer.full_name,
    url: answer.html_url,
    description: answer.description ?? null,
    stars: answer.stargazers_count,
    forks: answer.forks_count,
    openIssues: answer.open_issues_count,
    language: answer.language ?? null,
    topics: answer.topics ?? [],
    license: answer.license ? (answer.license.spdx_id ?? answer.license.name) : null,
    defaultBranch: answer.default_branch,
    archived: answer.archived ?? false,
    pushedAt: answer.pushed_at ?? null,
  };
}

export function toIssue(answer: z.output<typeof issueAnswer>): Issue {
  return {
    number: answer.number,
    title: answer.title,
    state: answer.state,
    url: answer.html_url,
    labels: (answer.labels ?? []).map((label) => (typeof label === "string" ? label : label.name)),
    pullRequest: answer.pull_request !== undefined,
  };
}

/** The `rel="next"` URL of a `link` header. */
export function nextLink(link: string | null): string | undefined {
  return link
    ?.split(",")
    .find((part) => /rel="next"/.test(part))
    ?.match(/<([^>]+)>/)?.[1];
}
