import { agentsOffering, listAgents, offeredCapabilities } from "@mesh-six/shared/registry/agents";
import { createDependencyHealth } from "@mesh-six/shared/registry/health";
import { chooseAgent, potentialScore } from "@mesh-six/shared/registry/route";
import { scoreCandidates } from "@mesh-six/shared/registry/score";
import { roundedCard, roundScore } from "@mesh-six/shared/registry/score-card";
import type { Context } from "hono";
import { needs } from "../access.ts";
import { routeModule } from "../route-module.ts";

/**
 * The registry:
 * - `GET /agents` → every registered agent with its capabilities (weight, preferred, dependencies).
 * - `GET /agents/score/:capability` → the score card of every agent offering it, as the orchestrator
 *   would compute it now (dependency health from the cache or a fresh check), best first, its numbers
 *   rounded to 4 decimals;
 *   without a capability, 400 naming those on offer.
 */
export const agentRoutes = routeModule("/agents", (app, ctx) => {
  const health = createDependencyHealth({ kv: ctx.kv, variable: ctx.variable });

  app.get("/", needs("read", { perUser: true }), async (context) =>
    context.json({ agents: await listAgents(ctx.db) }),
  );

  const capabilityMissing = async (context: Context) => {
    const offered = await offeredCapabilities(ctx.db);
    return context.json(
      {
        error: `give a capability: GET /agents/score/<capability>; capabilities on offer: ${onOffer(offered)}`,
        parameter: "capability",
      },
      400,
    );
  };
  app.get("/score", needs("read", { perUser: true }), capabilityMissing);
  app.get("/score/", needs("read", { perUser: true }), capabilityMissing);
  app.get("/score/:capability", needs("read", { perUser: true }), async (context) => {
    const capability = context.req.param("capability");
    const candidates = await agentsOffering(ctx.db, capability);
    if (candidates.length === 0) {
      const offered = await offeredCapabilities(ctx.db);
      return context.json(
        {
          error: `no agent offers the capability '${capability}'; capabilities on offer: ${onOffer(offered)}`,
        },
        404,
      );
    }
    const cards = await scoreCandidates(ctx.db, {
      capability,
      health: await health.of(candidates, ctx.logger),
    });
    const route = chooseAgent(cards, { taskId: "preview", attempt: 1, priority: 5 });
    return context.json({
      capability,
      leader: route.leader?.agentId ?? null,
      recovering: route.recovering,
      cards: cards.map((card) => ({ ...roundedCard(card), potential: roundScore(potentialScore(card)) })),
    });
  });
});

function onOffer(capabilities: readonly string[]): string {
  return capabilities.join(", ") || "none (no agents registered)";
}
