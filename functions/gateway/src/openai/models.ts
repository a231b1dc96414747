import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { type AgentRecord, listAgents } from "@mesh-six/shared/registry/agents";

/** The model that lets the conversation choose the capability. */
export const fleetModel = "mesh-six";
/** What `mesh-six` asks for when the conversation names no capability. */
export const defaultCapability = "general-query";

/** A model of GET /v1/models, in OpenAI's shape. */
export interface ModelView {
  readonly id: string;
  readonly object: "model";
  readonly created: number;
  readonly owned_by: string;
}

/** Where a chat request goes: a capability, routed by score, on one agent when the model names it. */
export interface ChatTarget {
  readonly capability: string;
  readonly agent?: string;
}

/**
 * Every model: `mesh-six`, `mesh-six/<capability>` for each capability an active agent
 * offers, and each active agent by name.
 */
export async function listModels(db: SqlExecutor): Promise<ModelView[]> {
  const agents = (await listAgents(db)).filter((agent) => agent.status === "active");
  const created = (agent: AgentRecord) => Math.floor(Date.parse(agent.registeredAt) / 1000);
  const first = agents.length === 0 ? 0 : Math.min(...agents.map(created));
  const capabilities = new Map<string, number>();
  for (const agent of agents) {
    for (const capability of agent.capabilities) {
      const seen = capabilities.get(capability.name);
      capabilities.set(capability.name, seen === undefined ? created(agent) : Math.min(seen, created(agent)));
    }
  }
  return [
    model(fleetModel, first),
    ...[...capabilities]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, at]) => model(`${fleetModel}/${name}`, at)),
    ...agents.map((agent) => model(agent.name, created(agent), agent.name)),
  ];
}

function model(id: string, created: number, owner = fleetModel): ModelView {
  return { id, object: "model", created, owned_by: owner };
}

/**
 * What a model name asks for: `mesh-six` → the capability the question names with a
 * leading `/<capability>` (the prefix taken off), `general-query` otherwise;
 * `mesh-six/<capability>` → that capability; an agent's name → its first capability, on
 * that agent. Undefined for a name that is none of these.
 */
export async function resolveModel(
  db: SqlExecutor,
  name: string,
  question: string,
): Promise<{ target: ChatTarget; question: string } | undefined> {
  const agents = (await listAgents(db)).filter((agent) => agent.status === "active");
  const offered = new Set(agents.flatMap((agent) => agent.capabilities.map((capability) => capability.name)));
  if (name === fleetModel) {
    const named = /^\/([a-z0-9][a-z0-9-]*)\s+([\s\S]+)$/.exec(question.trim());
    if (named && offered.has(named[1]!)) return { target: { capability: named[1]! }, question: named[2]! };
    return { target: { capability: defaultCapability }, question };
  }
  if (name.startsWith(`${fleetModel}/`)) {
    const capability = name.slice(fleetModel.length + 1);
    return offered.has(capability) ? { target: { capability }, question } : undefined;
  }
  const agent = agents.find((each) => each.name === name);
  const capability = agent?.capabilities[0]?.name;
  return agent && capability ? { target: { capability, agent: agent.name }, question } : undefined;
}
