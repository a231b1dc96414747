export {
  type AgentCard,
  type AgentInterface,
  type AgentSkill,
  agentCard,
  type CardSettings,
  type CardSource,
  type SecurityRequirement,
  type SecurityScheme,
} from "./card.ts";
export { type AgentDefinition, type AgentFunction, type AgentInfo, defineAgent } from "./define-agent.ts";
export type { FinishContext, ToolOutcome } from "./loop.ts";
export { type AnyTool, consult, type Tool, type ToolContext, tool } from "./tool.ts";
