export { type AgentCard, type AgentSkill, agentCard } from "./card.ts";
export {
  type AgentDefinition,
  type AgentFunction,
  type AgentInfo,
  type AnyTool,
  defineAgent,
} from "./define-agent.ts";
export { type Tool, type ToolContext, tool } from "./tool.ts";
