import { type ArgoCdClient, ArgoCdError, createArgoCdClient } from "@mesh-six/integration-argocd";
import type { ToolContext } from "@mesh-six/shared/agent";
import type { ArgoCdConfig } from "./config.ts";

const clients = new Map<string, ArgoCdClient>();

/** The ArgoCD client for the function's configuration, kept so a session login is reused. */
export function argocdOf(ctx: ToolContext): ArgoCdClient {
  const config = ctx.config as ArgoCdConfig;
  if (!config.ARGOCD_URL) {
    throw new ArgoCdError(
      "unreachable",
      "ARGOCD_URL is not set: give argocd-deployer the API server's address (Secret mesh-six-argocd, key url) and a token (key token) or username and password",
      { retryable: false },
    );
  }
  const key = JSON.stringify([
    config.ARGOCD_URL,
    config.ARGOCD_TOKEN,
    config.ARGOCD_USERNAME,
    config.ARGOCD_PASSWORD,
  ]);
  let client = clients.get(key);
  if (!client) {
    client = createArgoCdClient({
      baseUrl: config.ARGOCD_URL,
      ...(config.ARGOCD_TOKEN ? { token: config.ARGOCD_TOKEN } : {}),
      ...(config.ARGOCD_USERNAME ? { username: config.ARGOCD_USERNAME } : {}),
      ...(config.ARGOCD_PASSWORD ? { password: config.ARGOCD_PASSWORD } : {}),
    });
    clients.set(key, client);
  }
  return client;
}
