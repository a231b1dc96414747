import { rateLimitConfig } from "@mesh-six/shared/config/access";
import type { HttpContext } from "@mesh-six/shared/function/define";
import { z } from "zod";

const secret = (provider: string) =>
  z
    .string()
    .min(16, "must be at least 16 characters; make one with `openssl rand -hex 32`")
    .optional()
    .describe(
      `the secret ${provider} signs its webhook deliveries with; its route refuses every delivery when unset`,
    );

/**
 * The receiver's variables: the rate limit its host applies to it (it is public) and each
 * provider's webhook secret, which enables that provider's route.
 */
export const receiverConfig = z.object({
  ...rateLimitConfig.shape,
  GITHUB_WEBHOOK_SECRET: secret("GitHub"),
  GITEA_WEBHOOK_SECRET: secret("Gitea"),
});

export type ReceiverConfig = z.output<typeof receiverConfig>;

/** What the receiver's routes get: the host's context with the receiver's settings. */
export type ReceiverContext = HttpContext<ReceiverConfig>;
