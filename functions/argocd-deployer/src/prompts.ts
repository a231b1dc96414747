import type { RunContext } from "@mesh-six/shared/run/types";
import type { DeployRequest } from "./request.ts";

export const instructions = `You are mesh-six's ArgoCD deployer. You deploy, roll back and sync applications through ArgoCD's API with your tools.
Before any action, look at the application with application_status, then assess the risk of the action for the running service and give that assessment (level low, medium or high, with reasons) in the call that acts:
- low: a routine sync of a healthy application to a new revision, no pruning;
- medium: the application is degraded or out of sync in ways the change does not explain, or a rollback of one deployment;
- high: pruning, a rollback over several deployments, an application whose health is Missing or Unknown, anything touching data.
A high risk, and any delete, waits for a person's approval; if it is rejected, do not try again. Do not call delete_application unless the request asks for a delete.
When you are done, answer briefly: what you did, the application's sync and health status, its revision.`;

/** The value list the offline model reads (`name=value;`) and a model follows. */
const values = (pairs: Record<string, string | number | boolean | undefined>) =>
  Object.entries(pairs)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value};`)
    .join(" ");

/** What the model is asked, by the task's capability: the tools to use, with the values from the payload. */
export function promptFor(input: DeployRequest, ctx: RunContext): string {
  const capability = ctx.task?.capability ?? "deploy-service";
  const app = input.service;
  const note = input.query ? `\nThe request says: ${input.query}` : "";
  const check = `First check it with application_status (${values({ application: app })}), then assess the risk`;
  if (capability === "rollback-service") {
    const to =
      input.historyId === undefined
        ? "the deployment before the current one"
        : `history id ${input.historyId}`;
    return `Roll the ArgoCD application ${app} back to ${to}. ${check} and call rollback_application with ${values({ application: app, historyId: input.historyId })}${note}`;
  }
  const revision = input.revision ?? (input.version === undefined ? "HEAD" : String(input.version));
  const what =
    capability === "sync-gitops"
      ? `Sync the ArgoCD application ${app} with its Git source`
      : `Deploy the ArgoCD application ${app} at revision ${revision}`;
  return `${what}. ${check} and call sync_application with ${values({ application: app, revision, prune: input.prune ?? false })}${note}`;
}
