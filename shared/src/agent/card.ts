import type { FunctionDefinition } from "../function/types.ts";
import type { AgentInfo } from "./define-agent.ts";

/** A skill as an A2A agent card lists it, with the JSON Schemas of what it takes and gives. */
export interface AgentSkill {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly inputModes: readonly string[];
  readonly outputModes: readonly string[];
  readonly inputSchema?: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
}

/** An agent's card, from its definition (the A2A shape; the gateway adds where it is served). */
export interface AgentCard {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly capabilities: { readonly streaming: boolean; readonly pushNotifications: boolean };
  readonly defaultInputModes: readonly string[];
  readonly defaultOutputModes: readonly string[];
  readonly skills: readonly AgentSkill[];
}

/**
 * The card of a function that offers capabilities: one skill per capability, the input
 * and output schemas from its `defineAgent` (JSON in and out), else text in and out.
 */
export function agentCard(
  definition: FunctionDefinition & { readonly agent?: AgentInfo },
  version = "1.0.0",
): AgentCard {
  const agent = definition.agent;
  const inputModes = agent ? ["application/json", "text/plain"] : ["text/plain", "application/json"];
  const outputModes = agent?.outputSchema ? ["application/json"] : ["text/plain", "application/json"];
  return {
    name: definition.name,
    description: definition.description,
    version,
    capabilities: { streaming: true, pushNotifications: false },
    defaultInputModes: inputModes,
    defaultOutputModes: outputModes,
    skills: (definition.capabilities ?? []).map((capability) => ({
      id: capability.name,
      name: capability.name,
      description: definition.description,
      tags: [capability.name, definition.name],
      inputModes,
      outputModes,
      ...(agent ? { inputSchema: agent.inputSchema } : {}),
      ...(agent?.outputSchema ? { outputSchema: agent.outputSchema } : {}),
    })),
  };
}
