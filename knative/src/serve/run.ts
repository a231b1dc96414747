import { llmConfig } from "@mesh-six/shared/config/llm";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { includesConfig } from "@mesh-six/shared/function/config";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { packageNameOf } from "../bundle/locate.ts";
import { loadKnativeFunction } from "./start.ts";

/**
 * Starts one function from its TypeScript source, unbundled (Node strips the types):
 * `node knative/src/serve/run.ts <name>`. The same start-up as the function's bundle,
 * for comparing the two and for running a function as on Knative without building.
 */
const name = process.argv[2];
if (!name) {
  process.stderr.write("usage: node knative/src/serve/run.ts <function name>\n");
  process.exit(2);
}
const module = (await import(packageNameOf(name))) as Record<string, unknown>;
const definition = Object.values(module).find(
  (value): value is FunctionDefinition =>
    typeof value === "object" && value !== null && (value as FunctionDefinition).name === name,
);
if (!definition) {
  process.stderr.write(`${packageNameOf(name)} exports no definition named ${name}\n`);
  process.exit(2);
}
// as in the bundles: only a function whose config asks for the LLM or memory loads their code
const withServices = includesConfig(definition, llmConfig) || includesConfig(definition, memoryConfig);
const services = withServices ? (await import("./agent-services.ts")).functionServices : undefined;
await loadKnativeFunction(definition, { serve: true, ...(services ? { services } : {}) });
