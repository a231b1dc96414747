import type { AgentCard } from "@mesh-six/shared/agent";
import { type Scope, scopes } from "@mesh-six/shared/auth/api-keys";
import type { Caller } from "@mesh-six/shared/auth/authenticate";
import { securityName } from "./card.ts";

/** What each scope lets a key do over A2A, as the extended card tells its holder. */
const allows: Record<Scope, string> = {
  read: "GetTask, ListTasks, SubscribeToTask, GetExtendedAgentCard",
  write: "SendMessage, SendStreamingMessage, CancelTask",
  admin: "nothing more over A2A (it operates the mesh: dead letters, budgets)",
  approve: "answering a task that waits in AUTH_REQUIRED",
};

const requirement = (list: readonly string[]) => ({ schemes: { [securityName]: { list } } });

/**
 * The card as one caller's key sees it (GetExtendedAgentCard; the spec lets it differ by
 * who asks): the public card with the security requirements narrowed to the scopes the
 * key holds, each skill naming the scope that sending to it needs, and the description
 * saying what the key may do and, for a key bound to a user, whose tasks it sees. It
 * never carries the key itself, only its name in MESH_API_KEYS.
 */
export function extendedCardOf(card: AgentCard, caller: Caller) {
  const held = scopes.filter((scope) => caller.scopes.has(scope));
  const lacking = scopes.filter((scope) => !caller.scopes.has(scope));
  const user =
    caller.user === undefined
      ? ""
      : ` It is bound to user ${caller.user}: it sees and starts only that user's tasks.`;
  const may = held.map((scope) => `${scope} (${allows[scope]})`).join("; ");
  return {
    ...card,
    description: `${card.description} This card is the one the key '${caller.name}' sees; it holds the scopes ${may || "none"}.${lacking.length > 0 ? ` It lacks ${lacking.join(", ")}.` : ""}${user}`,
    securityRequirements: [requirement(held)],
    skills: card.skills.map((skill) => ({ ...skill, securityRequirements: [requirement(["write"])] })),
  };
}
