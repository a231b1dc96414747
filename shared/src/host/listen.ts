import { isIP } from "node:net";
import type { ApiKeysConfig } from "../config/access.ts";
import type { PlatformConfig } from "../config/platform.ts";
import { ConfigError } from "../errors.ts";

export interface ListenOptions {
  /** Where to listen when HOST is unset; undefined listens on every interface. */
  readonly fallback: string | undefined;
  /** How to set MESH_API_KEYS where this host runs, for the refusal's message. */
  readonly keysHint: string;
}

/**
 * The address a host listens on: HOST, else `fallback` (npm start: 127.0.0.1; Knative:
 * every interface, as its queue-proxy must reach the container). Listening anywhere but
 * loopback without MESH_API_KEYS is refused with a ConfigError naming both variables:
 * anyone who could reach the mesh could otherwise do anything.
 */
export function listenAddress(
  config: Pick<PlatformConfig, "HOST"> & ApiKeysConfig,
  options: ListenOptions,
): string | undefined {
  const hostname = config.HOST ?? options.fallback;
  if (isLoopback(hostname) || (config.MESH_API_KEYS ?? []).length > 0) return hostname;
  const where =
    hostname === undefined
      ? "unset, so this host listens on every interface"
      : `${hostname}, which is not a loopback address`;
  throw new ConfigError(
    "HOST",
    `is ${where}: other machines could reach the mesh, and MESH_API_KEYS is not set, so anyone reaching it could do anything. Set MESH_API_KEYS (${options.keysHint}), or set HOST=127.0.0.1 to listen on this machine only.`,
  );
}

/** `localhost`, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address). */
export function isLoopback(hostname: string | undefined): boolean {
  if (hostname === undefined) return false;
  if (hostname === "localhost") return true;
  const plain = hostname.replace(/^\[|\]$/g, "").replace(/^::ffff:/i, "");
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return isIP(plain) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(plain);
}

/** How a listening address reads in a log line. */
export function describeAddress(hostname: string | undefined): string {
  return hostname === undefined ? "every interface" : hostname;
}
