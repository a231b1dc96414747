import { TaskRequested } from "@mesh-six/events";
import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { expect, it } from "vitest";
import { type KnativeMesh, startKnativeMesh } from "./support/knative-mesh.ts";
import { describeOutage, type ScoreBoard } from "./support/outage-scenario.ts";

let mesh: KnativeMesh;

/**
 * ROSTER.md's ArgoCD outage on the Knative host: the orchestrator, the gateway and the real
 * argocd-deployer and kubectl-deployer each a separate HTTP service (createKnativeHost)
 * behind a broker reached over HTTP, the agents registered from the migration Job's JSON,
 * each given only its own variables. The orchestrator and the gateway get ARGOCD_URL, as
 * the generated manifests give it to them: they read argocd-deployer's check from the
 * registry and run it themselves, against ArgoCD's API, never against the agent.
 */
describeOutage(
  "the ArgoCD outage, on the Knative host",
  async (deployers, env) => {
    mesh = await startKnativeMesh([
      { definition: orchestrator, env: env.platform },
      { definition: gateway, env: env.platform },
      ...deployers.map((definition) => ({ definition, env: env.deployers[definition.name] ?? {} })),
    ]);
    return {
      async request(taskId, data) {
        await mesh.send(
          TaskRequested.create({ source: "/test/flows", id: taskId, data: { ...data, taskId } }),
        );
        const task = await readTask(mesh.db, taskId);
        if (!task) throw new Error(`no task ${taskId}`);
        return task;
      },
      advance: (ms) => mesh.advance(ms),
      async scores(capability) {
        const response = await fetch(`${mesh.url("gateway")}/agents/score/${capability}`);
        return (await response.json()) as ScoreBoard;
      },
      stop: () => mesh.stop(),
    };
  },
  (world) => {
    it("never woke a deployer for its health: every request to them is a CloudEvent delivery (its tasks and its runs' hops)", () => {
      const argocd = mesh.requestsTo("argocd-deployer");
      const kubectl = mesh.requestsTo("kubectl-deployer");
      expect(new Set([...argocd, ...kubectl])).toEqual(new Set(["POST /"]));
      expect(argocd.length).toBeGreaterThan(0);
      expect(kubectl.length).toBeGreaterThan(0);
    });

    it("probed ArgoCD's API only when routing needed it, at most once per cache period", () => {
      const probes = world().argocd.requests.filter((request) => request === "GET /api/version");
      // 153 tasks and 8 score previews over 3 expiries of the 15 s cache
      expect(probes.length).toBeGreaterThanOrEqual(3);
      expect(probes.length).toBeLessThanOrEqual(5);
    });
  },
);
