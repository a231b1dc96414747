export { createGitHubClient, defaultGitHubUrl, type GitHubClient, type GitHubSettings } from "./client.ts";
export { GitHubError, type GitHubErrorKind } from "./errors.ts";
export { githubDependencyCheck } from "./health.ts";
export type { ContentEntry, Issue, Repository } from "./shapes.ts";
