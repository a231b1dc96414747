import { apiKeysConfig, rateLimitConfig } from "@mesh-six/shared/config/access";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import type { HttpContext } from "@mesh-six/shared/function/define";
import { z } from "zod";

/**
 * The gateway's variables: the URL its A2A cards advertise, the API keys of its routes, the rate limit its host applies to
 * it (it is public), and memory (GET /memories searches with the embedder).
 */
export const gatewayConfig = z.object({
  A2A_PUBLIC_BASE: z
    .url()
    .optional()
    .describe(
      "The gateway's public base URL (https://mesh.example.com), written into the A2A agent cards; the request's own origin when unset",
    ),
  ...apiKeysConfig.shape,
  ...rateLimitConfig.shape,
  ...memoryConfig.shape,
});

export type GatewayConfig = z.output<typeof gatewayConfig>;

/** What the gateway's route modules get: the host's context with the gateway's settings. */
export type GatewayContext = HttpContext<GatewayConfig>;
