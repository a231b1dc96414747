import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { defaultHealthTtlMs } from "@mesh-six/shared/registry/health";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentControl, testAgent } from "./support/deployers.ts";
import { startTestMesh, type TestMesh } from "./support/mesh.ts";

/**
 * ROSTER.md's ArgoCD outage, through the embedded broker, the orchestrator and two
 * deployer agents whose health and results the test sets phase by phase. Task ids are
 * fixed, so every routing draw, and so every count below, is the same on every run.
 */
describe("the ArgoCD outage", () => {
  const argocd = agentControl();
  const kubectl = agentControl();
  let mesh: TestMesh;
  let sent = 0;
  beforeAll(async () => {
    mesh = await startTestMesh([
      orchestrator,
      gateway,
      testAgent(
        "argocd-deployer",
        { capability: "deploy-service", weight: 0.9, dependency: "argocd" },
        argocd,
      ),
      testAgent("kubectl-deployer", { capability: "deploy-service", weight: 0.7 }, kubectl),
    ]);
  });
  afterAll(() => mesh.stop());

  /** Sends `count` deploy tasks one after another, low (2) and normal (5) priority in turn. */
  async function phase(name: string, count: number) {
    const firstAttempts = { argocd: [] as number[], kubectl: [] as number[] };
    const tasks = [];
    for (let index = 0; index < count; index += 1) {
      sent += 1;
      const priority = index % 2 === 0 ? 2 : 5;
      const task = await mesh.request(`${name}-${sent}`, {
        capability: "deploy-service",
        payload: { service: "api", version: sent },
        priority,
      });
      tasks.push(task);
      const first = task.attempts[0]!;
      (first.agentId === "argocd-deployer" ? firstAttempts.argocd : firstAttempts.kubectl).push(priority);
    }
    return { tasks, firstAttempts };
  }

  /** Dependency health is cached for a short while: let the cache expire so a change shows. */
  const afterHealthCache = () => mesh.advance(defaultHealthTtlMs + 1_000);

  async function scores() {
    const response = await mesh.host.fetch(new Request("http://mesh.test/agents/score/deploy-service"));
    return (await response.json()) as {
      leader: string;
      recovering: string[];
      cards: { agentId: string; final: number; dependencyHealth: number }[];
    };
  }

  it("routes everything to ArgoCD while it is healthy", async () => {
    const { tasks, firstAttempts } = await phase("healthy", 20);
    expect(firstAttempts.argocd).toHaveLength(20);
    expect(tasks.every((task) => task.status === "succeeded" && task.attempts.length === 1)).toBe(true);
    expect((await scores()).leader).toBe("argocd-deployer");
  });

  it("hands over to kubectl when ArgoCD starts failing, and no task is lost", async () => {
    argocd.behaviour = "fail";
    const { tasks, firstAttempts } = await phase("failing", 30);
    expect(tasks.every((task) => task.status === "succeeded")).toBe(true);
    expect(
      tasks.filter((task) => task.attempts.length === 2).every((task) => task.agentId === "kubectl-deployer"),
    ).toBe(true);
    // ArgoCD loses the lead within a few failures…
    const lead = tasks.findIndex((task) => task.attempts[0]!.agentId === "kubectl-deployer");
    expect(lead).toBeGreaterThan(0);
    expect(lead).toBeLessThanOrEqual(5);
    // …after which it only sees low-priority probes, and kubectl takes the rest.
    const afterHandover = tasks.slice(lead);
    const probes = afterHandover.filter((task) => task.attempts[0]!.agentId === "argocd-deployer");
    expect(probes.every((task) => task.priority <= 3)).toBe(true);
    expect(probes.length / afterHandover.length).toBeLessThan(0.25);
    expect(firstAttempts.kubectl.length).toBeGreaterThanOrEqual(22);
    expect((await scores()).leader).toBe("kubectl-deployer");
  });

  it("gives ArgoCD nothing while its health check fails", async () => {
    argocd.healthy = false;
    await afterHealthCache();
    const { tasks, firstAttempts } = await phase("down", 20);
    expect(firstAttempts.argocd).toHaveLength(0);
    expect(tasks.every((task) => task.status === "succeeded" && task.attempts.length === 1)).toBe(true);
    const board = await scores();
    expect(board.cards.find((card) => card.agentId === "argocd-deployer")).toMatchObject({
      dependencyHealth: 0,
      final: 0,
    });
    expect(board.recovering).toEqual([]);
  });

  it("lets a recovered ArgoCD earn its way back on low-risk tasks first, until it is primary again", async () => {
    argocd.healthy = true;
    argocd.behaviour = "succeed";
    await afterHealthCache();
    expect((await scores()).recovering).toEqual(["argocd-deployer"]);
    const before = argocd.received.length;
    const { tasks, firstAttempts } = await phase("recovering", 60);
    const argocdTasks = argocd.received.slice(before);
    // its first tasks back are low-priority probes; normal work follows only after three successes
    expect(argocdTasks.slice(0, 3).every((entry) => entry.priority <= 3)).toBe(true);
    expect(firstAttempts.argocd.length).toBeGreaterThan(3);
    // it climbs back by its own results and leads again before the phase ends
    const regained = tasks.findIndex((_, index) =>
      tasks.slice(index).every((later) => later.attempts[0]!.agentId === "argocd-deployer"),
    );
    expect(regained).toBeGreaterThan(10);
    expect(regained).toBeLessThan(55);
    expect(firstAttempts.argocd.length).toBeLessThan(60 - 10);
    expect(tasks.every((task) => task.status === "succeeded" && task.attempts.length === 1)).toBe(true);
    expect((await scores()).leader).toBe("argocd-deployer");
  });

  it("routes everything to ArgoCD again once it is primary", async () => {
    const { firstAttempts } = await phase("primary", 20);
    expect(firstAttempts.argocd).toHaveLength(20);
    const board = await scores();
    expect(board.leader).toBe("argocd-deployer");
    expect(board.recovering).toEqual([]);
  });
});
