import { AgentCard } from "@a2a-js/sdk";
import { agentCard, type AgentCard as CardJson, type CardSettings } from "@mesh-six/shared/agent";
import type { ApiKeysConfig } from "@mesh-six/shared/config/access";
import type { AgentRecord } from "@mesh-six/shared/registry/agents";

/** Where the gateway serves A2A: JSON-RPC at the base, HTTP+JSON under `/v1`. */
export const a2aBase = "/a2a";
export const agentBase = (name: string) => `${a2aBase}/agents/${encodeURIComponent(name)}`;
export const cardPath = "/.well-known/agent-card.json";

/** The protocol versions each binding speaks: JSON-RPC also v0.3 (its method names, when A2A-Version is empty). */
export const jsonRpcVersions = ["1.0", "0.3"] as const;
export const restVersions = ["1.0"] as const;

/** The scheme the cards name: a mesh API key as a bearer token, with the scopes each operation needs. */
export const securityName = "meshApiKey";

const hasKeys = (config: ApiKeysConfig) => (config.MESH_API_KEYS ?? []).length > 0;

/**
 * Declares the extended card (GetExtendedAgentCard) exactly when there are API keys: the
 * spec has it need authentication, and a mesh without keys has no one to authenticate.
 */
function declareExtended<T extends CardJson>(card: T, config: ApiKeysConfig): T {
  return { ...card, capabilities: { ...card.capabilities, extendedAgentCard: hasKeys(config) } };
}

function settingsFor(origin: string, base: string, config: ApiKeysConfig): CardSettings {
  const keys = hasKeys(config);
  return {
    version: "1.0.0",
    interfaces: [
      ...jsonRpcVersions.map((version) => ({
        url: `${origin}${base}`,
        protocolBinding: "JSONRPC",
        protocolVersion: version,
      })),
      ...restVersions.map((version) => ({
        url: `${origin}${base}/v1`,
        protocolBinding: "HTTP+JSON",
        protocolVersion: version,
      })),
    ],
    provider: { organization: "mesh-six", url: origin },
    ...(keys
      ? {
          securitySchemes: {
            [securityName]: {
              httpAuthSecurityScheme: {
                scheme: "Bearer",
                description:
                  "A mesh-six API key (an entry of the gateway's MESH_API_KEYS) sent as 'Authorization: Bearer <key>'. Scopes: read (GetTask, ListTasks, SubscribeToTask), write (SendMessage, SendStreamingMessage, CancelTask), approve (answering an approval with a message).",
              },
            },
          },
          securityRequirements: [{ schemes: { [securityName]: { list: ["read", "write"] } } }],
        }
      : {}),
  };
}

/** The fleet's card: one skill per capability some active agent offers. */
export function fleetCard(agents: readonly AgentRecord[], origin: string, config: ApiKeysConfig) {
  const active = agents.filter((agent) => agent.status === "active");
  const seen = new Map<string, { name: string; description: string }>();
  for (const agent of active) {
    for (const capability of agent.capabilities) {
      const known = seen.get(capability.name);
      seen.set(capability.name, {
        name: capability.name,
        description: known ? `${known.description}; ${agent.description}` : agent.description,
      });
    }
  }
  const card = agentCard(
    {
      name: "mesh-six",
      description: `The mesh-six fleet: each message becomes a mesh task, routed by score to the best agent for its capability (metadata.capability; general-query when not given). Agents: ${active.map((agent) => agent.name).join(", ") || "none registered"}.`,
      capabilities: [...seen.values()].map(({ name }) => ({ name })),
    },
    settingsFor(origin, a2aBase, config),
  );
  return declareExtended(
    {
      ...card,
      skills: card.skills.map((skill) => ({
        ...skill,
        description: seen.get(skill.id)?.description ?? skill.description,
      })),
    },
    config,
  );
}

/** One agent's card, served under /a2a/agents/<name>: its capabilities as skills. */
export function agentCardOf(agent: AgentRecord, origin: string, config: ApiKeysConfig) {
  return declareExtended(
    agentCard(
      { name: agent.name, description: agent.description, capabilities: agent.capabilities },
      settingsFor(origin, agentBase(agent.name), config),
    ),
    config,
  );
}

/** A card as the SDK's transport handlers take it. */
export const cardForSdk = (json: unknown) => AgentCard.fromJSON(json);
