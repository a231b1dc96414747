import type { Settings } from "@mesh-six/shared/config/read";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import {
  connectFunctionPorts,
  type FunctionPortSettings,
  type FunctionPorts,
} from "@mesh-six/shared/host/function-ports";

export type FunctionServicesFactory = (
  definition: FunctionDefinition,
  own: Settings,
  settings: FunctionPortSettings,
) => Promise<FunctionPorts>;

/**
 * The LLM and long-term memory a function's config asks for (`connectFunctionPorts`).
 * Only the bundles of functions whose config includes `llmConfig` or `memoryConfig` import
 * this, so the others carry neither the AI SDK nor the memory code.
 */
export const functionServices: FunctionServicesFactory = connectFunctionPorts;
