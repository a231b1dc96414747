import { type PlatformConfig, platformConfig } from "./platform.ts";
import { type Environment, readConfig } from "./read.ts";

export type { PlatformConfig };

/**
 * Reads the platform's configuration (what every host needs) from `env` once. Every
 * problem is reported at once, each naming the variable and what it accepts. A
 * function's own variables are read by its host from its `config` schema.
 */
export function loadConfig(env: Environment = process.env): PlatformConfig {
  return readConfig(platformConfig, env);
}
