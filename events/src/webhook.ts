import { z } from "zod";
import { defineEventFamily } from "./family.ts";

/** Where a payload too large to travel in its event is kept (the webhook receiver's table). */
export const storedWebhookPayload = z.object({
  stored: z.object({
    provider: z.enum(["github", "gitea"]),
    deliveryId: z.string().min(1),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Why it is not in the event: its size, or JSON the broker cannot carry. */
    reason: z.string(),
  }),
});
export type StoredWebhookPayload = z.output<typeof storedWebhookPayload>;

/**
 * The extension set to `stored` on a webhook event whose data is a `storedWebhookPayload`
 * instead of the payload; read the payload with `readWebhookPayload`
 * (`@mesh-six/function-webhook-receiver/payload`), which handles both.
 */
export const webhookPayloadExtension = "meshpayload";

/** The payload as GitHub or Gitea sent it (third-party JSON, read leniently), or where it is stored. */
const webhookData = z.record(z.string(), z.unknown());

const families = {
  terminal: true,
  schema: webhookData,
} as const;

/**
 * A GitHub webhook delivery, published by the webhook receiver: `dev.meshsix.github.<event>`
 * (the X-GitHub-Event name: issues, pull_request, push, projects_v2_item, … and any GitHub
 * adds), the payload's `action` in `meshaction`, source the repository (or the
 * organization, installation or sender), id the X-GitHub-Delivery, subject the issue, pull
 * request or item. Data is the payload byte for byte.
 */
export const GitHubWebhook = defineEventFamily("dev.meshsix.github.", {
  ...families,
  description:
    "A GitHub webhook delivery (type dev.meshsix.github.<X-GitHub-Event>, action in meshaction, id the X-GitHub-Delivery): the payload byte for byte, or where a large one is stored (meshpayload=stored).",
});

/** A Gitea webhook delivery: `dev.meshsix.gitea.<X-Gitea-Event>`, otherwise as `GitHubWebhook`. */
export const GiteaWebhook = defineEventFamily("dev.meshsix.gitea.", {
  ...families,
  description:
    "A Gitea webhook delivery (type dev.meshsix.gitea.<X-Gitea-Event>, action in meshaction, its X-Gitea-Event-Type in mesheventtype, id the X-Gitea-Delivery): the payload byte for byte, or where a large one is stored (meshpayload=stored).",
});
