import { GiteaWebhook, GitHubWebhook } from "@mesh-six/events";
import { defineFunction } from "@mesh-six/shared/function/define";
import { receiverConfig } from "./config.ts";
import { createWebhookRoutes, receiverName, webhookBodyLimit, webhookPaths } from "./route.ts";

/**
 * GitHub and Gitea webhooks as CloudEvents: `POST /webhooks/github` and
 * `POST /webhooks/gitea`, each delivery checked against its route's secret and published
 * once as `dev.meshsix.github.<event>` / `dev.meshsix.gitea.<event>` (README, Webhooks).
 */
export const webhookReceiver = defineFunction({
  name: receiverName,
  description:
    "Takes GitHub and Gitea webhook deliveries (POST /webhooks/github, POST /webhooks/gitea), checks their signatures and publishes each once as a dev.meshsix.github.* or dev.meshsix.gitea.* CloudEvent.",
  public: true,
  config: receiverConfig,
  emits: [GitHubWebhook, GiteaWebhook],
  // a delivery is a signature check, one transaction and one publish; GitHub waits 10 s
  scaling: { minScale: 0, maxScale: 5, concurrency: 20, timeoutSeconds: 30 },
  // deliveries up to 25 MB are read into memory, a few at once
  resources: { memoryLimit: "1Gi" },
  // each route is enabled by its secret; a route without one refuses every delivery
  secrets: [
    { env: "GITHUB_WEBHOOK_SECRET", secret: "mesh-six-webhooks", key: "github", optional: true },
    { env: "GITEA_WEBHOOK_SECRET", secret: "mesh-six-webhooks", key: "gitea", optional: true },
  ],
  http: {
    paths: webhookPaths,
    maxBodyBytes: webhookBodyLimit,
    authentication: "signatures",
    create: createWebhookRoutes,
  },
});

export { inlinePayloadLimit, receiverName, webhookBodyLimit } from "./route.ts";
