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
// as in the bundles: only an agent gets the LLM and memory (and loads their code)
const agent = (definition.capabilities ?? []).length > 0;
const services = agent ? (await import("./agent-services.ts")).agentServices : undefined;
await loadKnativeFunction(definition, { serve: true, ...(services ? { services } : {}) });
