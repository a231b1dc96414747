import { ConfigError, errorMessage } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { Kv } from "../ports/kv.ts";
import { createKv, type KvConfig } from "./create.ts";

/**
 * Creates the configured Kv and proves it answers, so a wrong Upstash URL or token stops
 * start-up with one sentence naming the setting and the fix.
 */
export async function connectKv(config: KvConfig, settings: { readonly clock?: Clock } = {}): Promise<Kv> {
  const kv = createKv(config, settings);
  try {
    await kv.get("mesh-six:connect-check");
    return kv;
  } catch (error) {
    await kv.close().catch(() => {});
    const reason = errorMessage(error).replace(/, command was: .*$/s, "");
    if (/unauthori[sz]ed|wrongpass|auth/i.test(reason)) {
      throw new ConfigError(
        "UPSTASH_REDIS_REST_TOKEN",
        `Upstash refused the token (${reason}). Copy the REST token of this database from the Upstash console.`,
      );
    }
    throw new ConfigError(
      "UPSTASH_REDIS_REST_URL",
      `cannot use ${config.UPSTASH_REDIS_REST_URL} (${reason}). Check the REST URL in the Upstash console.`,
    );
  }
}
