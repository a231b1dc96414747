import { createRequire } from "node:module";

type Payload = Record<string, unknown>;

/**
 * Recorded GitHub webhook payloads: `@octokit/webhooks-examples` (api.github.com/index.json,
 * the payload examples of octokit/webhooks, taken from GitHub's documentation and real
 * deliveries), by event name as GitHub sends it in X-GitHub-Event.
 */
const recorded = createRequire(import.meta.url)("@octokit/webhooks-examples") as readonly {
  readonly name: string;
  readonly examples: readonly Payload[];
}[];

/** The first recorded payload of `event` that `matches`; throws naming the event when there is none. */
export function githubExample(event: string, matches: (payload: Payload) => boolean = () => true): Payload {
  const found = recorded.find((entry) => entry.name === event)?.examples.find(matches);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event} payload that matches`);
  return found;
}

/** The event names the package has payloads for. */
export function githubEventNames(): string[] {
  return recorded.map((entry) => entry.name);
}
