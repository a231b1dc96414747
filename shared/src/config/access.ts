import { z } from "zod";
import { parseApiKeys } from "../auth/api-keys.ts";
import { parseTrustedProxies } from "../ratelimit/trusted-proxies.ts";

/** Who may call an API: the gateway's, and on `npm start` the broker ingress's too. */
export const apiKeysConfig = z.object({
  MESH_API_KEYS: z
    .string()
    .transform((text, context) => {
      const parsed = parseApiKeys(text);
      if ("keys" in parsed) return parsed.keys;
      for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    })
    .optional()
    .describe("API keys of the gateway: comma-separated name:key:scope[+scope][:user=<id>]"),
});

export type ApiKeysConfig = z.output<typeof apiKeysConfig>;

/**
 * How often a client may call a public endpoint. The host reads it for every public
 * function (`public: true` requires it in the function's config) and, on `npm start`,
 * for the broker ingress.
 */
export const rateLimitConfig = z.object({
  TRUSTED_PROXIES: z
    .string()
    .transform((text, context) => {
      const parsed = parseTrustedProxies(text);
      if ("proxies" in parsed) return parsed.proxies;
      for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    })
    .optional()
    .describe("comma-separated IPs and CIDR ranges of proxies whose X-Forwarded-For the rate limit believes"),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(1200)
    .describe("requests per minute per client on the ingress and the gateway; 0 turns the limit off"),
});

export type RateLimitConfig = z.output<typeof rateLimitConfig>;
