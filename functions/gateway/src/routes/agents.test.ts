import { type ArgoCdApi, startArgoCdApi } from "@mesh-six/integration-argocd/testing";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { recordResult } from "@mesh-six/shared/registry/history";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { createGatewayTestContext, type GatewayTestContext } from "../testing/context.ts";

describe("agent routes", () => {
  let ctx: GatewayTestContext;
  let app: Hono;
  let argocd: ArgoCdApi;
  beforeAll(async () => {
    argocd = await startArgoCdApi();
    ctx = await createGatewayTestContext();
    app = createGatewayApp(ctx);
    await registerAgents(
      ctx.db,
      [
        {
          name: "argocd-deployer",
          description: "deploys through ArgoCD",
          capabilities: [{ name: "deploy-service", weight: 0.9, dependencies: ["argocd"] }],
          dependencyChecks: [{ name: "argocd", url: `${argocd.url}/api/version` }],
        },
        {
          name: "kubectl-deployer",
          description: "deploys through the Kubernetes API",
          capabilities: [{ name: "deploy-service", weight: 0.7 }],
        },
        {
          name: "image-builder",
          description: "builds images",
          capabilities: [{ name: "build-image", weight: 0.8 }],
        },
      ],
      { now: ctx.clock.now() },
    );
    for (const [index, success] of [true, false, false, false].entries()) {
      await recordResult(ctx.db, {
        taskId: `t${index}`,
        attempt: 1,
        agentId: "argocd-deployer",
        capability: "deploy-service",
        success,
        at: ctx.clock.now() + index,
      });
    }
    for (const index of [0, 1, 2]) {
      await recordResult(ctx.db, {
        taskId: `b${index}`,
        attempt: 1,
        agentId: "image-builder",
        capability: "build-image",
        success: true,
        at: ctx.clock.now() + index,
      });
    }
  });
  afterAll(async () => {
    await ctx.db.close();
    await argocd.close();
  });

  it("lists the registered agents with their capabilities", async () => {
    const response = await app.request("/agents");
    const { agents } = (await response.json()) as { agents: { name: string; capabilities: unknown[] }[] };
    expect(agents.map((agent) => agent.name)).toEqual([
      "argocd-deployer",
      "image-builder",
      "kubectl-deployer",
    ]);
    expect(agents[0]?.capabilities).toEqual([
      { name: "deploy-service", weight: 0.9, preferred: false, dependencies: ["argocd"] },
    ]);
    expect(agents[0]).toMatchObject({
      dependencyChecks: [
        {
          name: "argocd",
          url: `${argocd.url}/api/version`,
          expectStatus: { min: 200, max: 299 },
          timeoutMs: 750,
        },
      ],
    });
  });

  it("shows the current score cards, best first, with who is recovering", async () => {
    const response = await app.request("/agents/score/deploy-service");
    const body = (await response.json()) as {
      leader: string;
      recovering: string[];
      cards: { agentId: string; final: number; samples: number; dependencyHealth: number }[];
    };
    expect(body.leader).toBe("kubectl-deployer");
    expect(body.recovering).toEqual(["argocd-deployer"]);
    expect(body.cards.map((card) => [card.agentId, card.samples, card.dependencyHealth])).toEqual([
      ["kubectl-deployer", 0, 1],
      ["argocd-deployer", 4, 1],
    ]);
    expect(body.cards[1]?.final).toBeLessThan(0.7);
    expect(argocd.requests).toEqual(["GET /api/version"]);
  });

  it("shows a failing check as health 0, from a fresh probe once the cached result expires", async () => {
    argocd.healthy = false;
    await ctx.clock.advance(15_000);
    const response = await app.request("/agents/score/deploy-service");
    const body = (await response.json()) as {
      recovering: string[];
      cards: { agentId: string; dependencyHealth: number; failingChecks: string[]; final: number }[];
    };
    expect(body.cards.find((card) => card.agentId === "argocd-deployer")).toMatchObject({
      dependencyHealth: 0,
      failingChecks: ["argocd"],
      final: 0,
    });
    expect(body.recovering).toEqual([]);
    argocd.healthy = true;
  });

  it("answers 404 for a capability nobody offers, naming those on offer", async () => {
    const response = await app.request("/agents/score/make-coffee");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain(
      "on offer: build-image, deploy-service",
    );
  });

  it("rounds the numbers of a card to 4 decimals (0.8 × 1.1 is 0.88, not 0.8800000000000001)", async () => {
    const response = await app.request("/agents/score/build-image");
    const body = (await response.json()) as { cards: Record<string, unknown>[] };
    expect(body.cards[0]).toMatchObject({
      agentId: "image-builder",
      weight: 0.8,
      rollingSuccessRate: 1,
      recencyBoost: 1.1,
      final: 0.88,
      potential: 0.88,
    });
  });
});
