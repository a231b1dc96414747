import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import { defineFunction } from "../function/define.ts";
import type { Db } from "../ports/db.ts";
import { registerAgents } from "./agents.ts";
import type { DependencyHealth } from "./health.ts";
import { recordResult } from "./history.ts";
import { scoreCandidates } from "./score.ts";
import { historyFactors } from "./score-card.ts";
import { scoreCandidatesNaively } from "./score-naive.ts";

const start = Date.UTC(2026, 0, 1);
const healthy: DependencyHealth = { score: 1, failing: [] };
const failing: DependencyHealth = { score: 0, failing: ["argocd"] };

const argocd = defineFunction({
  name: "argocd-deployer",
  description: "test",
  capabilities: [{ name: "deploy-service", weight: 0.9, dependencies: ["argocd"] }],
  dependencyChecks: [{ name: "argocd", url: "{ARGOCD_SERVER_URL}/api/version" }],
});
const kubectl = defineFunction({
  name: "kubectl-deployer",
  description: "test",
  capabilities: [
    { name: "deploy-service", weight: 0.7 },
    { name: "debug-pods", weight: 1 },
  ],
});
const spare = defineFunction({
  name: "spare-deployer",
  description: "test",
  capabilities: [{ name: "deploy-service", weight: 0.7, preferred: true }],
});

describe("scoring", () => {
  let db: Db;
  let task = 0;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.exec("DELETE FROM agent_task_history; DELETE FROM agents;");
    await registerAgents(db, [argocd, kubectl, spare], { now: start });
  });

  /** Records results oldest first, one second apart. */
  async function results(agentId: string, outcomes: readonly boolean[], capability = "deploy-service") {
    for (const success of outcomes) {
      task += 1;
      await recordResult(db, {
        taskId: `t${task}`,
        attempt: 1,
        agentId,
        capability,
        success,
        at: start + task * 1000,
      });
    }
  }

  const score = (health = new Map<string, DependencyHealth>(), exclude: string[] = []) =>
    scoreCandidates(db, { capability: "deploy-service", health, exclude });

  it("scores agents without history by weight alone, × 1.05 for the preferred one", async () => {
    const cards = await score();
    expect(cards.map((card) => [card.agentId, card.final])).toEqual([
      ["argocd-deployer", 0.9],
      ["spare-deployer", 0.7 * 1.05],
      ["kubectl-deployer", 0.7],
    ]);
    expect(cards[0]).toMatchObject({
      samples: 0,
      rollingSuccessRate: 1,
      recencyBoost: 1,
      dependencyHealth: 1,
    });
  });

  it("weights the newest 20 results 0.95^i and boosts three straight successes", async () => {
    await results("argocd-deployer", [false, false, true, true, true]);
    const card = (await score()).find((entry) => entry.agentId === "argocd-deployer")!;
    const weights = [1, 0.95, 0.95 ** 2, 0.95 ** 3, 0.95 ** 4];
    const rate = (weights[0]! + weights[1]! + weights[2]!) / weights.reduce((sum, weight) => sum + weight);
    expect(card.samples).toBe(5);
    expect(card.rollingSuccessRate).toBeCloseTo(rate, 12);
    expect(card.recencyBoost).toBe(1.1);
    expect(card.final).toBeCloseTo(0.9 * rate * 1.1, 12);
  });

  it("needs three results for the boost, ignores results older than the newest 20", async () => {
    await results("kubectl-deployer", [true, true]);
    await results("argocd-deployer", [...Array(5).fill(false), ...Array(20).fill(true)]);
    const cards = await score();
    const byAgent = new Map(cards.map((card) => [card.agentId, card]));
    expect(byAgent.get("kubectl-deployer")).toMatchObject({
      samples: 2,
      rollingSuccessRate: 1,
      recencyBoost: 1,
    });
    expect(byAgent.get("argocd-deployer")).toMatchObject({ samples: 20, rollingSuccessRate: 1 });
  });

  it("counts only the capability asked about", async () => {
    await results("kubectl-deployer", [false, false, false], "debug-pods");
    const card = (await score()).find((entry) => entry.agentId === "kubectl-deployer")!;
    expect(card).toMatchObject({ samples: 0, final: 0.7 });
  });

  it("zeroes an agent whose dependency check fails and leaves out excluded and offline agents", async () => {
    const cards = await score(new Map([["argocd-deployer", failing]]), ["spare-deployer"]);
    expect(cards.map((card) => [card.agentId, card.final])).toEqual([
      ["kubectl-deployer", 0.7],
      ["argocd-deployer", 0],
    ]);
    expect(cards[1]).toMatchObject({ dependencyHealth: 0, failingChecks: ["argocd"] });
    await db.query("UPDATE agents SET status = 'offline' WHERE name = 'kubectl-deployer'");
    expect((await score()).map((card) => card.agentId)).not.toContain("kubectl-deployer");
  });

  it("agrees with the naive per-agent queries and with the rule written in TypeScript", async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const outcomes = new Map<string, boolean[]>();
    for (const agent of ["argocd-deployer", "kubectl-deployer", "spare-deployer"]) {
      const list = Array.from({ length: Math.floor(random() * 40) }, () => random() < 0.7);
      outcomes.set(agent, list);
      await results(agent, list);
    }
    const health = new Map([
      ["argocd-deployer", healthy],
      ["spare-deployer", failing],
    ]);
    const fast = await score(health);
    const naive = await scoreCandidatesNaively(db, { capability: "deploy-service", health });
    expect(fast.map((card) => card.agentId)).toEqual(naive.map((card) => card.agentId));
    for (const [index, card] of fast.entries()) {
      const other = naive[index]!;
      expect(card.final).toBeCloseTo(other.final, 12);
      expect(card.rollingSuccessRate).toBeCloseTo(other.rollingSuccessRate, 12);
      const expected = historyFactors([...outcomes.get(card.agentId)!].reverse());
      expect(card.rollingSuccessRate).toBeCloseTo(expected.rollingSuccessRate, 12);
      expect(card.recencyBoost).toBe(expected.recencyBoost);
    }
  });

  it("records a result once per task attempt", async () => {
    const entry = {
      taskId: "once",
      attempt: 1,
      agentId: "kubectl-deployer",
      capability: "deploy-service",
      success: true,
      at: start,
    };
    expect(await recordResult(db, entry)).toBe(true);
    expect(await recordResult(db, { ...entry, success: false })).toBe(false);
    expect(await recordResult(db, { ...entry, attempt: 2 })).toBe(true);
    const { rows } = await db.query("SELECT success FROM agent_task_history WHERE task_id = 'once'");
    expect(rows).toHaveLength(2);
  });
});
