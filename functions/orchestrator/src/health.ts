import type { FunctionContext } from "@mesh-six/shared/function/define";
import type { Kv } from "@mesh-six/shared/ports/kv";
import { agentsOffering } from "@mesh-six/shared/registry/agents";
import {
  createDependencyHealth,
  type DependencyHealth,
  type DependencyHealthSource,
} from "@mesh-six/shared/registry/health";

const sources = new WeakMap<Kv, DependencyHealthSource>();

function sourceFor(ctx: FunctionContext): DependencyHealthSource {
  let source = sources.get(ctx.kv);
  if (!source) {
    source = createDependencyHealth({ kv: ctx.kv, variable: ctx.variable });
    sources.set(ctx.kv, source);
  }
  return source;
}

/**
 * Dependency health of every agent offering `capability`, from the checks the registry
 * holds for them, run here (their URLs filled in from this function's environment) or
 * read from the short-lived cache. Runs before the transaction opens: checks do network
 * I/O (bounded by their timeout), and the database connection must never wait on it.
 */
export async function healthFor(
  ctx: FunctionContext,
  capability: string,
): Promise<Map<string, DependencyHealth>> {
  const candidates = await agentsOffering(ctx.db, capability);
  return sourceFor(ctx).of(candidates, ctx.logger);
}
