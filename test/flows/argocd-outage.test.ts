import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { startTestMesh } from "./support/mesh.ts";
import { describeOutage, type ScoreBoard } from "./support/outage-scenario.ts";

/**
 * ROSTER.md's ArgoCD outage on the embedded host: every function in one process, the
 * embedded broker, PGlite. The Knative host runs the same scenario in
 * argocd-outage.knative.test.ts.
 */
describeOutage("the ArgoCD outage, on the embedded host", async (deployers, env) => {
  const mesh = await startTestMesh([orchestrator, gateway, ...deployers], { ...env });
  return {
    request: (taskId, data) => mesh.request(taskId, data),
    advance: (ms) => mesh.advance(ms),
    async scores(capability) {
      const response = await mesh.host.fetch(new Request(`http://mesh.test/agents/score/${capability}`));
      return (await response.json()) as ScoreBoard;
    },
    stop: () => mesh.stop(),
  };
});
