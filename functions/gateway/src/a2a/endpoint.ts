import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import { listAgents } from "@mesh-six/shared/registry/agents";
import type { Context } from "hono";
import { callerOf } from "../access.ts";
import type { GatewayContext } from "../config.ts";
import { agentCardOf, cardForSdk, fleetCard } from "./card.ts";
import { extendedCardOf } from "./extended-card.ts";
import { createMeshA2AHandler } from "./handler.ts";

/** The origin the cards advertise: A2A_PUBLIC_BASE, else the request's own. */
export function originOf(ctx: GatewayContext, context: Context): string {
  return (ctx.config.A2A_PUBLIC_BASE ?? new URL(context.req.url).origin).replace(/\/+$/, "");
}

/** The card (JSON) of the fleet, or of the agent `name`; undefined for an agent not registered. */
export async function cardFor(ctx: GatewayContext, context: Context, name?: string) {
  const agents = await listAgents(ctx.db);
  const origin = originOf(ctx, context);
  if (name === undefined) return { card: fleetCard(agents, origin, ctx.config) };
  const agent = agents.find((each) => each.name === name && each.status === "active");
  return agent ? { card: agentCardOf(agent, origin, ctx.config), agent } : undefined;
}

/** 404 for an agent that is not registered, naming those that are. */
export async function unknownAgent(ctx: GatewayContext, context: Context, name: string): Promise<Response> {
  const names = (await listAgents(ctx.db))
    .filter((agent) => agent.status === "active")
    .map((agent) => agent.name);
  return context.json(
    {
      error: `no agent '${name}' is registered; A2A agents: ${names.join(", ") || "none"} (the fleet's card is /.well-known/agent-card.json)`,
      parameter: "name",
    },
    404,
  );
}

/** The A2A handler for one request, through the fleet's card or agent `name`'s; undefined for an unknown agent. */
export async function handlerFor(
  ctx: GatewayContext,
  context: Context,
  name?: string,
): Promise<A2ARequestHandler | undefined> {
  const found = await cardFor(ctx, context, name);
  if (!found) return undefined;
  const caller = callerOf(context);
  return createMeshA2AHandler({
    ctx,
    caller,
    card: cardForSdk(found.card),
    ...(found.card.capabilities.extendedAgentCard
      ? { extendedCard: () => cardForSdk(extendedCardOf(found.card, caller)) }
      : {}),
    ...(found.agent
      ? {
          agent: {
            name: found.agent.name,
            capabilities: found.agent.capabilities.map((capability) => capability.name),
          },
        }
      : {}),
    signal: context.req.raw.signal,
  });
}
