import type { AgentInfo } from "./define-agent.ts";

/**
 * An A2A v1.0 agent card in its JSON form (the protocol's `AgentCard`, camelCase field
 * names as its JSON binding writes them), from what a function declares.
 */

/** A skill as an A2A agent card lists it, with the JSON Schemas of what it takes and gives. */
export interface AgentSkill {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly inputModes: readonly string[];
  readonly outputModes: readonly string[];
  /** mesh-six's addition: the schema of the payload (agents from `defineAgent`). */
  readonly inputSchema?: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
}

/** Where and how the agent is reached: one per binding and protocol version. */
export interface AgentInterface {
  readonly url: string;
  /** `JSONRPC`, `HTTP+JSON` or `GRPC`. */
  readonly protocolBinding: string;
  readonly protocolVersion: string;
}

/** A security scheme of the card, in the JSON form of the protocol's `SecurityScheme` oneof. */
export type SecurityScheme =
  | {
      readonly httpAuthSecurityScheme: {
        readonly scheme: string;
        readonly description: string;
        readonly bearerFormat?: string;
      };
    }
  | {
      readonly apiKeySecurityScheme: {
        readonly location: string;
        readonly name: string;
        readonly description: string;
      };
    };

/** Which schemes (and scopes of each) a caller must satisfy. */
export interface SecurityRequirement {
  readonly schemes: Record<string, { readonly list: readonly string[] }>;
}

/** An agent's card (the A2A v1.0 shape). */
export interface AgentCard {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly supportedInterfaces: readonly AgentInterface[];
  readonly provider?: { readonly organization: string; readonly url: string };
  readonly documentationUrl?: string;
  readonly capabilities: {
    readonly streaming: boolean;
    readonly pushNotifications: boolean;
    readonly extendedAgentCard: boolean;
  };
  readonly securitySchemes: Record<string, SecurityScheme>;
  readonly securityRequirements: readonly SecurityRequirement[];
  readonly defaultInputModes: readonly string[];
  readonly defaultOutputModes: readonly string[];
  readonly skills: readonly AgentSkill[];
}

/** What a card is made from: a function definition, or an agent as the registry has it. */
export interface CardSource {
  readonly name: string;
  readonly description: string;
  readonly capabilities?: readonly { readonly name: string }[];
  readonly agent?: AgentInfo;
}

/** What the server adds: where it serves the agent and how callers authenticate. */
export interface CardSettings {
  readonly version?: string;
  readonly interfaces?: readonly AgentInterface[];
  readonly securitySchemes?: Record<string, SecurityScheme>;
  readonly securityRequirements?: readonly SecurityRequirement[];
  readonly provider?: AgentCard["provider"];
  readonly documentationUrl?: string;
}

/**
 * The card of a function that offers capabilities: one skill per capability, the input
 * and output schemas from its `defineAgent` (JSON in and out), else text in and out.
 */
export function agentCard(source: CardSource, settings: CardSettings = {}): AgentCard {
  const agent = source.agent;
  const inputModes = agent ? ["application/json", "text/plain"] : ["text/plain", "application/json"];
  const outputModes = agent?.outputSchema ? ["application/json"] : ["text/plain", "application/json"];
  return {
    name: source.name,
    description: source.description,
    version: settings.version ?? "1.0.0",
    supportedInterfaces: settings.interfaces ?? [],
    ...(settings.provider ? { provider: settings.provider } : {}),
    ...(settings.documentationUrl ? { documentationUrl: settings.documentationUrl } : {}),
    capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
    securitySchemes: settings.securitySchemes ?? {},
    securityRequirements: settings.securityRequirements ?? [],
    defaultInputModes: inputModes,
    defaultOutputModes: outputModes,
    skills: (source.capabilities ?? []).map((capability) => ({
      id: capability.name,
      name: capability.name,
      description: source.description,
      tags: [capability.name, source.name],
      inputModes,
      outputModes,
      ...(agent ? { inputSchema: agent.inputSchema } : {}),
      ...(agent?.outputSchema ? { outputSchema: agent.outputSchema } : {}),
    })),
  };
}
