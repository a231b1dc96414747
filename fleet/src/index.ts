import { architect } from "@mesh-six/function-architect";
import { argocdDeployer } from "@mesh-six/function-argocd-deployer";
import { costTracker } from "@mesh-six/function-cost-tracker";
import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { humans } from "@mesh-six/function-humans";
import { kubectlDeployer } from "@mesh-six/function-kubectl-deployer";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { researcher } from "@mesh-six/function-researcher";
import { webhookReceiver } from "@mesh-six/function-webhook-receiver";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";

/** Every function of mesh-six: what `npm start` runs and what `knative/` deploys. */
export const fleet: readonly FunctionDefinition[] = [
  gateway,
  orchestrator,
  generalAgent,
  architect,
  researcher,
  humans,
  deadLetter,
  webhookReceiver,
  costTracker,
  argocdDeployer,
  kubectlDeployer,
];
