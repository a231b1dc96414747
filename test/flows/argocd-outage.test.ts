import { createTestMesh } from "@mesh-six/testing";
import { describeOutage, type ScoreBoard } from "./support/outage-scenario.ts";

/**
 * ROSTER.md's ArgoCD outage on the embedded host, through the real argocd-deployer and
 * kubectl-deployer: every function in one process, the embedded broker, PGlite, one
 * environment for all (as `npm start` has). The Knative host runs the same scenario in
 * argocd-outage.knative.test.ts.
 */
describeOutage("the ArgoCD outage, on the embedded host", async (deployers, env) => {
  const mesh = await createTestMesh({
    functions: deployers,
    env: { ...env.platform, ...Object.assign({}, ...Object.values(env.deployers)) },
  });
  return {
    request: (taskId, { capability, payload, ...options }) =>
      mesh.task(capability, payload, { ...options, taskId }),
    advance: (ms) => mesh.advance(ms),
    scores: async (capability) => (await mesh.json<ScoreBoard>(`/agents/score/${capability}`)).body,
    stop: () => mesh.stop(),
  };
});
