import type { TaskRequested } from "@mesh-six/events";
import { type ArgoCdApi, startArgoCdApi } from "@mesh-six/integration-argocd/testing";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { defaultHealthTtlMs } from "@mesh-six/shared/registry/health";
import type { TaskRecord } from "@mesh-six/shared/registry/tasks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { type AgentControl, agentControl, testAgent } from "./deployers.ts";

/** What the scenario needs of a mesh, whichever host runs it. */
export interface OutageMesh {
  /** Sends a task.requested with this id and waits until nothing moves. */
  request(taskId: string, data: z.input<typeof TaskRequested.schema>): Promise<TaskRecord>;
  /** Moves the mesh's clock, letting what falls due run. */
  advance(ms: number): Promise<void>;
  /** `GET /agents/score/<capability>` through the gateway. */
  scores(capability: string): Promise<ScoreBoard>;
  stop(): Promise<void>;
}

export interface ScoreBoard {
  readonly leader: string;
  readonly recovering: string[];
  readonly cards: { agentId: string; final: number; dependencyHealth: number }[];
}

export interface OutageWorld {
  readonly argocd: AgentControl;
  readonly kubectl: AgentControl;
  /** ArgoCD's API server, which argocd-deployer's dependency check probes. */
  readonly api: ArgoCdApi;
}

/**
 * Starts the mesh for the scenario: the orchestrator and the gateway given `env` (the
 * variable argocd-deployer's check names), and the two deployers.
 */
export type StartOutageMesh = (
  deployers: readonly FunctionDefinition[],
  env: Readonly<Record<string, string>>,
) => Promise<OutageMesh>;

/** ArgoCD's API server's own version endpoint, from the orchestrator's ARGOCD_SERVER_URL. */
export const argocdCheck = { name: "argocd", url: "{ARGOCD_SERVER_URL}/api/version" } as const;

/**
 * ROSTER.md's ArgoCD outage, phase by phase: the two deployer agents' results are set by
 * the test, and argocd-deployer's health is what ArgoCD's API server (a stand-in the test
 * turns off and on) answers to the probe the orchestrator itself runs. Task ids are
 * fixed, so every routing draw, and so every count below, is the same on every run.
 * `more` adds host-specific checks after the phases.
 */
export function describeOutage(
  title: string,
  start: StartOutageMesh,
  more?: (world: () => OutageWorld & { mesh: OutageMesh }) => void,
): void {
  describe(title, () => {
    const argocd = agentControl();
    const kubectl = agentControl();
    let api: ArgoCdApi;
    let mesh: OutageMesh;
    let sent = 0;
    beforeAll(async () => {
      api = await startArgoCdApi();
      mesh = await start(
        [
          testAgent(
            "argocd-deployer",
            { capability: "deploy-service", weight: 0.9, dependency: argocdCheck },
            argocd,
          ),
          testAgent("kubectl-deployer", { capability: "deploy-service", weight: 0.7 }, kubectl),
        ],
        { ARGOCD_SERVER_URL: api.url },
      );
    }, 60_000);
    afterAll(async () => {
      await mesh?.stop();
      await api?.close();
    });

    /** Sends `count` deploy tasks one after another, low (2) and normal (5) priority in turn. */
    async function phase(name: string, count: number) {
      const firstAttempts = { argocd: [] as number[], kubectl: [] as number[] };
      const tasks = [];
      const probesBefore = api.requests.length;
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
      return { tasks, firstAttempts, probes: api.requests.slice(probesBefore) };
    }

    /** Dependency health is cached for a short while: let the cache expire so a change shows. */
    const afterHealthCache = () => mesh.advance(defaultHealthTtlMs + 1_000);
    const scores = () => mesh.scores("deploy-service");

    it("routes everything to ArgoCD while it is healthy, probing its API once for the whole burst", async () => {
      const { tasks, firstAttempts, probes } = await phase("healthy", 20);
      expect(firstAttempts.argocd).toHaveLength(20);
      expect(tasks.every((task) => task.status === "succeeded" && task.attempts.length === 1)).toBe(true);
      // the clock did not move: one probe, then the cached result for every decision
      expect(probes).toEqual(["GET /api/version"]);
      expect((await scores()).leader).toBe("argocd-deployer");
    });

    it("hands over to kubectl when ArgoCD starts failing, and no task is lost", async () => {
      argocd.behaviour = "fail";
      const { tasks, firstAttempts } = await phase("failing", 30);
      expect(tasks.every((task) => task.status === "succeeded")).toBe(true);
      expect(
        tasks
          .filter((task) => task.attempts.length === 2)
          .every((task) => task.agentId === "kubectl-deployer"),
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

    it("gives ArgoCD nothing while its API server is down and the probe fails", async () => {
      api.healthy = false;
      await afterHealthCache();
      const { tasks, firstAttempts, probes } = await phase("down", 20);
      expect(firstAttempts.argocd).toHaveLength(0);
      expect(tasks.every((task) => task.status === "succeeded" && task.attempts.length === 1)).toBe(true);
      expect(probes).toEqual(["GET /api/version"]);
      const board = await scores();
      expect(board.cards.find((card) => card.agentId === "argocd-deployer")).toMatchObject({
        dependencyHealth: 0,
        final: 0,
      });
      expect(board.recovering).toEqual([]);
    });

    it("lets a recovered ArgoCD earn its way back on low-risk tasks first, until it is primary again", async () => {
      api.healthy = true;
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

    more?.(() => ({ argocd, kubectl, api, mesh }));
  });
}
