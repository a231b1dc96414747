import { type EventFamily, GiteaWebhook, GitHubWebhook } from "@mesh-six/events";

/** A header carrying the delivery's HMAC-SHA256 as hex, after `prefix`. */
export interface SignatureHeader {
  readonly name: string;
  readonly prefix: string;
}

/** One sender of webhooks: where its deliveries come in and how they are signed and named. */
export interface Provider {
  readonly name: "github" | "gitea";
  readonly title: string;
  /** The route: `POST /webhooks/<name>`. */
  readonly path: string;
  /** The environment variable holding the webhook's secret (a Secret on Knative). */
  readonly secretVariable: "GITHUB_WEBHOOK_SECRET" | "GITEA_WEBHOOK_SECRET";
  readonly family: EventFamily;
  /** The headers naming the event, the first one present wins. */
  readonly eventHeaders: readonly string[];
  readonly deliveryHeader: string;
  /** The signature headers checked, the first one present wins. */
  readonly signatureHeaders: readonly SignatureHeader[];
  /** More headers carried as extensions: header → extension. */
  readonly extensions: Readonly<Record<string, string>>;
}

/** GitHub (github.com and GitHub Enterprise Server): docs.github.com, "Webhook events and payloads", Delivery headers. */
export const github: Provider = {
  name: "github",
  title: "GitHub",
  path: "/webhooks/github",
  secretVariable: "GITHUB_WEBHOOK_SECRET",
  family: GitHubWebhook,
  eventHeaders: ["x-github-event"],
  deliveryHeader: "x-github-delivery",
  signatureHeaders: [{ name: "x-hub-signature-256", prefix: "sha256=" }],
  extensions: { "x-github-hook-id": "meshhook" },
};

/**
 * Gitea (and its forks): what services/webhook/deliver.go sends, X-Gitea-Event being the
 * GitHub-style name (issues, pull_request, …; empty for a few events, then
 * X-Gitea-Event-Type) and X-Gitea-Event-Type the precise one (issue_label, pull_request_sync, …).
 */
export const gitea: Provider = {
  name: "gitea",
  title: "Gitea",
  path: "/webhooks/gitea",
  secretVariable: "GITEA_WEBHOOK_SECRET",
  family: GiteaWebhook,
  eventHeaders: ["x-gitea-event", "x-gitea-event-type"],
  deliveryHeader: "x-gitea-delivery",
  signatureHeaders: [
    { name: "x-gitea-signature", prefix: "" },
    { name: "x-hub-signature-256", prefix: "sha256=" },
  ],
  extensions: { "x-gitea-event-type": "mesheventtype", "x-gitea-hook-id": "meshhook" },
};

export const providers: readonly Provider[] = [github, gitea];
