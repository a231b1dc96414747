import type { TaskRequested } from "@mesh-six/events";
import { argocdDeployer } from "@mesh-six/function-argocd-deployer";
import { kubectlDeployer } from "@mesh-six/function-kubectl-deployer";
import { type ArgoCdApi, sampleApplication, startArgoCdApi } from "@mesh-six/integration-argocd/testing";
import {
  type KubernetesApi,
  sampleCluster,
  startKubernetesApi,
  writeKubeconfig,
} from "@mesh-six/integration-kubernetes/testing";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { defaultHealthTtlMs } from "@mesh-six/shared/registry/health";
import type { TaskRecord } from "@mesh-six/shared/registry/tasks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { type PhasePlan, type PredictedTask, predictOutage, priorityOf } from "./outage-prediction.ts";

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
  /** ArgoCD's API server: what argocd-deployer deploys through and its dependency check probes. */
  readonly argocd: ArgoCdApi;
  /** The Kubernetes API server kubectl-deployer deploys through. */
  readonly kubernetes: KubernetesApi;
}

/** The environment of each function: the platform's (the orchestrator's, the gateway's: ARGOCD_URL for the check) and each deployer's own. */
export interface OutageEnvironment {
  readonly platform: Readonly<Record<string, string>>;
  readonly deployers: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export type StartOutageMesh = (
  deployers: readonly FunctionDefinition[],
  env: OutageEnvironment,
) => Promise<OutageMesh>;

/** ROSTER.md's outage, phase by phase; each count is what docs/routing.md works through. */
export const phases: readonly PhasePlan[] = [
  { name: "healthy", count: 21, argocd: "ok" },
  { name: "failing", count: 30, argocd: "failing" },
  { name: "down", count: 21, argocd: "down" },
  { name: "recovering", count: 60, argocd: "ok" },
  { name: "primary", count: 21, argocd: "ok" },
];

const probeRequest = "GET /api/version";

/**
 * ROSTER.md's ArgoCD outage through the real argocd-deployer and kubectl-deployer, on
 * the offline model, deploying through the ArgoCD and Kubernetes API doubles: ArgoCD's
 * syncs fail (a manifest generation error) and then its API server goes down, which its
 * dependency check (run by the orchestrator itself) sees. Priorities cycle low, normal,
 * high (2, 5, 8). Task ids are fixed, so every routing draw is the same on every run, and
 * each task's first agent is the one docs/routing.md's rule predicts (outage-prediction.ts).
 */
export function describeOutage(
  title: string,
  start: StartOutageMesh,
  more?: (world: () => OutageWorld & { mesh: OutageMesh }) => void,
): void {
  describe(title, () => {
    let argocd: ArgoCdApi;
    let kubernetes: KubernetesApi;
    let mesh: OutageMesh;
    let sent = 0;
    const predicted = predictOutage(phases);
    beforeAll(async () => {
      argocd = await startArgoCdApi({ tokens: ["mesh-six-token"], applications: [sampleApplication("api")] });
      kubernetes = await startKubernetesApi(sampleCluster("api"));
      mesh = await start([argocdDeployer, kubectlDeployer], {
        platform: { ARGOCD_URL: argocd.url },
        deployers: {
          "argocd-deployer": { ARGOCD_URL: argocd.url, ARGOCD_TOKEN: "mesh-six-token" },
          "kubectl-deployer": { KUBECONFIG: writeKubeconfig(kubernetes.url), KUBECTL_NAMESPACE: "api" },
        },
      });
    }, 60_000);
    afterAll(async () => {
      await mesh?.stop();
      await argocd?.close();
      await kubernetes?.close();
    });

    /** Sends the phase's deploy tasks one after another, priorities 2, 5, 8 in turn. */
    async function phase(name: string) {
      const plan = phases.find((each) => each.name === name);
      if (!plan) throw new Error(`no phase ${name}`);
      const tasks: TaskRecord[] = [];
      const probesBefore = argocd.requests.filter((request) => request === probeRequest).length;
      for (let index = 0; index < plan.count; index += 1) {
        sent += 1;
        tasks.push(
          await mesh.request(`${name}-${sent}`, {
            capability: "deploy-service",
            payload: { service: "api", version: `v${sent}` },
            priority: priorityOf(index),
          }),
        );
      }
      const expected = predicted.filter((task) => task.phase === name);
      const probes = argocd.requests.filter((request) => request === probeRequest).length - probesBefore;
      return { tasks, expected, probes };
    }
    const firstAgents = (tasks: readonly { attempts: readonly { agentId: string }[] }[]) =>
      tasks.map((task) => task.attempts[0]?.agentId);
    const same = (tasks: readonly TaskRecord[], expected: readonly PredictedTask[]) => {
      expect(firstAgents(tasks)).toEqual(expected.map((task) => task.first));
      expect(tasks.map((task) => task.attempts[0]?.reason === "probe")).toEqual(
        expected.map((task) => task.probe),
      );
      expect(tasks.map((task) => task.attempts.length)).toEqual(expected.map((task) => task.attempts));
      expect(tasks.every((task) => task.status === "succeeded")).toBe(true);
    };
    const onArgoCd = (tasks: readonly TaskRecord[]) =>
      tasks.filter((task) => task.attempts[0]?.agentId === "argocd-deployer");

    /** Dependency health is cached for a short while: let the cache expire so a change shows. */
    const afterHealthCache = () => mesh.advance(defaultHealthTtlMs + 1_000);
    const scores = () => mesh.scores("deploy-service");

    it("routes everything to ArgoCD while it is healthy, which syncs each revision, probing its API once for the burst", async () => {
      const { tasks, expected, probes } = await phase("healthy");
      same(tasks, expected);
      expect(onArgoCd(tasks)).toHaveLength(21);
      expect(argocd.operations.filter((operation) => operation.kind === "sync")).toHaveLength(21);
      expect(argocd.applications.get("api")?.status?.sync?.revision).toBe("v21");
      expect(probes).toBe(1);
      expect((await scores()).leader).toBe("argocd-deployer");
    });

    it("moves deploys to kubectl when ArgoCD's syncs fail: kubectl leads from the 4th task, ArgoCD then gets two low-priority probes", async () => {
      argocd.failing = true;
      const { tasks, expected } = await phase("failing");
      same(tasks, expected);
      // the first three fail on ArgoCD and succeed on kubectl at their second attempt
      expect(firstAgents(tasks).indexOf("kubectl-deployer")).toBe(3);
      const probes = onArgoCd(tasks).slice(3);
      expect(probes.map((task) => [task.id, task.priority])).toEqual([
        ["failing-28", 2],
        ["failing-40", 2],
      ]);
      // every failed attempt on ArgoCD was retried on kubectl, which deployed it
      expect(
        tasks
          .filter((task) => task.attempts.length === 2)
          .every((task) => task.agentId === "kubectl-deployer"),
      ).toBe(true);
      expect(kubernetes.patches).toHaveLength(30);
      expect((await scores()).leader).toBe("kubectl-deployer");
    });

    it("gives ArgoCD nothing while its API server is down and the probe fails", async () => {
      argocd.healthy = false;
      await afterHealthCache();
      const { tasks, expected, probes } = await phase("down");
      same(tasks, expected);
      expect(onArgoCd(tasks)).toHaveLength(0);
      expect(probes).toBe(1);
      const board = await scores();
      expect(board.cards.find((card) => card.agentId === "argocd-deployer")).toMatchObject({
        dependencyHealth: 0,
        final: 0,
      });
      expect(board.recovering).toEqual([]);
    });

    it("lets a recovered ArgoCD earn its way back: 10 probes (6 low, 4 normal, no high) over 53 tasks, leader from the 54th", async () => {
      argocd.healthy = true;
      argocd.failing = false;
      await afterHealthCache();
      expect((await scores()).recovering).toEqual(["argocd-deployer"]);
      const { tasks, expected } = await phase("recovering");
      same(tasks, expected);
      const leads = tasks.findIndex(
        (task) => task.attempts[0]?.agentId === "argocd-deployer" && task.attempts[0]?.reason === "score",
      );
      expect(leads).toBe(53);
      expect(onArgoCd(tasks.slice(leads))).toHaveLength(tasks.length - leads);
      const probes = onArgoCd(tasks.slice(0, leads));
      expect(probes.every((task) => task.attempts[0]?.reason === "probe")).toBe(true);
      expect(probes.map((task) => task.priority)).toEqual([2, 2, 2, 2, 2, 5, 2, 5, 5, 5]);
      // high-priority work is never sent to the recovering agent
      expect(
        tasks
          .slice(0, leads)
          .filter((task) => task.priority === 8)
          .every((task) => task.agentId === "kubectl-deployer"),
      ).toBe(true);
      expect((await scores()).leader).toBe("argocd-deployer");
    });

    it("routes everything to ArgoCD again once it is primary, high priority included", async () => {
      const { tasks, expected } = await phase("primary");
      same(tasks, expected);
      expect(onArgoCd(tasks)).toHaveLength(21);
      const board = await scores();
      expect(board.leader).toBe("argocd-deployer");
      expect(board.recovering).toEqual([]);
    });

    more?.(() => ({ argocd, kubernetes, mesh }));
  });
}
