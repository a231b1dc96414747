import { z } from "zod";
import { apiKeysConfig, rateLimitConfig } from "./access.ts";
import { platformConfig } from "./platform.ts";

/**
 * What the embedded host (`npm start`, the kafka host) reads for itself: the platform's
 * variables, and the API keys and rate limit of the broker ingress it serves (on Knative
 * the Broker's ingress is Knative's, so no function needs them for it).
 */
export const embeddedHostConfig = z.object({
  ...platformConfig.shape,
  ...apiKeysConfig.shape,
  ...rateLimitConfig.shape,
});

export type EmbeddedHostConfig = z.output<typeof embeddedHostConfig>;
