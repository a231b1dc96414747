import { createTestMesh } from "@mesh-six/testing";
import { describeOutage, type ScoreBoard } from "./support/outage-scenario.ts";

/**
 * ROSTER.md's ArgoCD outage on the embedded host: every function in one process, the
 * embedded broker, PGlite. The Knative host runs the same scenario in
 * argocd-outage.knative.test.ts.
 */
describeOutage("the ArgoCD outage, on the embedded host", async (deployers, env) => {
  const mesh = await createTestMesh({ functions: deployers, env });
  return {
    request: (taskId, { capability, payload, ...options }) =>
      mesh.task(capability, payload, { ...options, taskId }),
    advance: (ms) => mesh.advance(ms),
    scores: async (capability) => (await mesh.json<ScoreBoard>(`/agents/score/${capability}`)).body,
    stop: () => mesh.stop(),
  };
});
