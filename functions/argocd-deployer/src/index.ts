import { argocdDependencyCheck } from "@mesh-six/integration-argocd";
import { defineAgent } from "@mesh-six/shared/agent";
import { argocdConfig } from "./config.ts";
import { instructions, promptFor } from "./prompts.ts";
import { deployRequest } from "./request.ts";
import { createApplication, deleteApplication } from "./tools/manage.ts";
import { rollbackApplication } from "./tools/rollback.ts";
import { applicationStatus, listApplications } from "./tools/status.ts";
import { syncApplication } from "./tools/sync.ts";

const dependencies = ["argocd"];

/**
 * Deploys through ArgoCD's REST API (ROSTER.md): it looks at the application, assesses
 * the risk in the call that acts, and a high-risk action or any delete waits for a
 * person. A failed sync or rollback fails the task, so the orchestrator moves it on.
 */
export const argocdDeployer = defineAgent({
  name: "argocd-deployer",
  description:
    "Deploys, rolls back and syncs applications through ArgoCD, assessing each action's risk first.",
  capabilities: [
    { name: "deploy-service", weight: 0.9, dependencies },
    { name: "rollback-service", weight: 0.9, dependencies },
    { name: "sync-gitops", weight: 1.0, dependencies },
  ],
  dependencyChecks: [argocdDependencyCheck()],
  config: argocdConfig,
  secrets: [
    { env: "ARGOCD_URL", secret: "mesh-six-argocd", key: "url" },
    { env: "ARGOCD_TOKEN", secret: "mesh-six-argocd", key: "token", optional: true },
    { env: "ARGOCD_USERNAME", secret: "mesh-six-argocd", key: "username", optional: true },
    { env: "ARGOCD_PASSWORD", secret: "mesh-six-argocd", key: "password", optional: true },
  ],
  input: deployRequest,
  prompt: promptFor,
  instructions,
  tools: {
    application_status: applicationStatus,
    list_applications: listApplications,
    sync_application: syncApplication,
    rollback_application: rollbackApplication,
    create_application: createApplication,
    delete_application: deleteApplication,
  },
  maxSteps: 6,
  delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.5S" },
  scaling: { minScale: 0, maxScale: 3, concurrency: 5, timeoutSeconds: 120 },
});
