import { describe, expect, it } from "vitest";
import { chooseAgent, drawFor, potentialScore, probeShare, retryRoute } from "./route.ts";
import { finalScore, type ScoreCard } from "./score-card.ts";

function card(agentId: string, fields: Partial<ScoreCard>): ScoreCard {
  const base = {
    agentId,
    weight: 0.5,
    preferred: false,
    dependencyHealth: 1 as const,
    failingChecks: [],
    samples: 20,
    rollingSuccessRate: 1,
    recencyBoost: 1.1,
    ...fields,
  };
  return { ...base, final: finalScore(base) };
}

const kubectl = card("kubectl-deployer", { weight: 0.7 });
const recovering = card("argocd-deployer", { weight: 0.9, rollingSuccessRate: 0.3, recencyBoost: 1 });
const ids = (count: number) => Array.from({ length: count }, (_, index) => `task-${index}`);

describe("choosing an agent", () => {
  it("picks the highest final score and names no one when every score is 0", () => {
    const route = chooseAgent([kubectl, card("weak", { weight: 0.2 })], {
      taskId: "a",
      attempt: 1,
      priority: 5,
    });
    expect(route).toMatchObject({ reason: "score", chosen: kubectl, recovering: [] });
    const down = card("argocd-deployer", { weight: 0.9, dependencyHealth: 0 });
    expect(chooseAgent([down], { taskId: "a", attempt: 1, priority: 5 })).toMatchObject({
      reason: "none",
      chosen: undefined,
    });
  });

  it("sends a recovering agent about 30% of low-priority first attempts and nothing else while on probation", () => {
    const cards = [kubectl, recovering];
    expect(potentialScore(recovering)).toBeGreaterThan(kubectl.final);
    const probes = (priority: number, attempt = 1) =>
      ids(1000).filter(
        (taskId) => chooseAgent(cards, { taskId, attempt, priority }).chosen?.agentId === "argocd-deployer",
      ).length;
    expect(probes(2)).toBeGreaterThan(250);
    expect(probes(2)).toBeLessThan(350);
    expect(probes(5)).toBe(0);
    expect(probes(9)).toBe(0);
    expect(probes(2, 2)).toBe(0);
  });

  it("widens the share once the recovering agent's newest three results succeeded", () => {
    const proven = card("argocd-deployer", { weight: 0.9, rollingSuccessRate: 0.6, recencyBoost: 1.1 });
    expect(proven.final).toBeLessThan(kubectl.final);
    expect(probeShare(2, proven)).toBe(0.5);
    expect(probeShare(5, proven)).toBe(0.2);
    expect(probeShare(7, proven)).toBe(0);
    const normal = ids(1000).filter(
      (taskId) => chooseAgent([kubectl, proven], { taskId, attempt: 1, priority: 5 }).reason === "probe",
    ).length;
    expect(normal).toBeGreaterThan(150);
    expect(normal).toBeLessThan(250);
  });

  it("never probes an agent that could not lead even with a clean record, or one whose checks fail", () => {
    const weak = card("weak", { weight: 0.6, rollingSuccessRate: 0.2, recencyBoost: 1 });
    const down = card("argocd-deployer", { weight: 0.9, rollingSuccessRate: 0.3, dependencyHealth: 0 });
    for (const taskId of ids(200)) {
      expect(chooseAgent([kubectl, weak, down], { taskId, attempt: 1, priority: 0 }).chosen).toBe(kubectl);
    }
  });

  it("probes the best healthy agent on every attempt when only history holds every score at 0", () => {
    const burnt = card("only-builder", { weight: 0.8, rollingSuccessRate: 0, recencyBoost: 1 });
    const weaker = card("other-builder", { weight: 0.5, rollingSuccessRate: 0, recencyBoost: 1 });
    const down = card("down-builder", { weight: 0.9, rollingSuccessRate: 0, dependencyHealth: 0 });
    expect(burnt.final).toBe(0);
    for (const [priority, attempt] of [
      [9, 1],
      [2, 3],
    ] as const) {
      expect(chooseAgent([down, weaker, burnt], { taskId: "t", attempt, priority })).toMatchObject({
        chosen: burnt,
        reason: "probe",
        leader: undefined,
        recovering: ["other-builder", "only-builder"],
        share: 1,
      });
    }
    expect(chooseAgent([down], { taskId: "t", attempt: 1, priority: 5 }).reason).toBe("none");
  });

  it("describes a same-agent retry", () => {
    expect(retryRoute(kubectl, "t")).toEqual({
      chosen: kubectl,
      reason: "retry",
      leader: undefined,
      recovering: [],
      draw: drawFor("t"),
      share: 0,
    });
  });

  it("draws the same number for the same task id", () => {
    expect(drawFor("task-1")).toBe(drawFor("task-1"));
    expect(drawFor("task-1")).not.toBe(drawFor("task-2"));
    expect(drawFor("task-1")).toBeGreaterThanOrEqual(0);
    expect(drawFor("task-1")).toBeLessThan(1);
  });
});
