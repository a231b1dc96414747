import { utf8Length } from "@mesh-six/shared/validate/limits";
import { textProblem } from "@mesh-six/shared/validate/text";
import type { Provider } from "./providers.ts";

type Payload = Readonly<Record<string, unknown>>;

/** A string of storable text, 1 to `maxBytes` bytes long. */
function text(value: unknown, maxBytes = 1024): string | undefined {
  if (typeof value !== "string" || value === "" || utf8Length(value) > maxBytes) return undefined;
  return textProblem(value) === undefined ? value : undefined;
}

function record(value: unknown): Payload | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Payload) : undefined;
}

function whole(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");

/**
 * The event's source: the repository's web address (`https://github.com/<owner>/<repo>`,
 * a Gitea server's own), else `/<provider>/<owner>/<repo>`; for an event without a
 * repository, `/<provider>/orgs/<login>`, `/<provider>/installations/<id>`,
 * `/<provider>/users/<sender>`, or `/<provider>`.
 */
export function sourceOf(provider: Provider, payload: Payload): string {
  const repository = record(payload.repository);
  const url = text(repository?.html_url);
  if (url && /^https?:\/\/[^\s/]+\/\S+$/.test(url)) return url;
  const fullName = text(repository?.full_name, 512);
  if (fullName) return `/${provider.name}/${path(...fullName.split("/"))}`;
  const organization = record(payload.organization);
  const login =
    text(organization?.login, 256) ?? text(organization?.username, 256) ?? text(organization?.name, 256);
  if (login) return `/${provider.name}/orgs/${path(login)}`;
  const installation = whole(record(payload.installation)?.id);
  if (installation !== undefined) return `/${provider.name}/installations/${installation}`;
  const sender = record(payload.sender);
  const user = text(sender?.login, 256) ?? text(sender?.username, 256);
  if (user) return `/${provider.name}/users/${path(user)}`;
  return `/${provider.name}`;
}

/**
 * The event's subject, what the delivery is about: `pull/<n>` (a pull request, or a
 * comment on one), `issues/<n>`, a project item's node id, `discussions/<n>`,
 * `releases/<tag>`, a workflow run, job or check, or the ref of a push, create or delete.
 */
export function subjectOf(payload: Payload): string | undefined {
  const pull = whole(record(payload.pull_request)?.number);
  if (pull !== undefined) return `pull/${pull}`;
  const issue = record(payload.issue);
  const issueNumber = whole(issue?.number);
  if (issue && issueNumber !== undefined) {
    const onPull =
      (issue.pull_request !== undefined && issue.pull_request !== null) || payload.is_pull === true;
    return `${onPull ? "pull" : "issues"}/${issueNumber}`;
  }
  const item = text(record(payload.projects_v2_item)?.node_id, 256);
  if (item) return item;
  const discussion = whole(record(payload.discussion)?.number);
  if (discussion !== undefined) return `discussions/${discussion}`;
  const tag = text(record(payload.release)?.tag_name, 512);
  if (tag) return `releases/${tag}`;
  for (const [field, name] of [
    ["workflow_run", "runs"],
    ["workflow_job", "jobs"],
    ["check_run", "check-runs"],
    ["check_suite", "check-suites"],
  ] as const) {
    const id = whole(record(payload[field])?.id);
    if (id !== undefined) return `${name}/${id}`;
  }
  return text(payload.ref);
}

/** The payload's `action` (opened, closed, created, …), when it has one that fits an extension. */
export function actionOf(payload: Payload): string | undefined {
  return text(payload.action, 200);
}
