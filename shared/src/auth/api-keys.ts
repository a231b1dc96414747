import { createHash } from "node:crypto";

/** What a key may do on the gateway (and, for `write`, on the broker ingress). */
export const scopes = ["read", "write", "admin", "approve"] as const;
export type Scope = (typeof scopes)[number];

/** One entry of MESH_API_KEYS; the key itself is kept only as its SHA-256 digest. */
export interface ApiKey {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  /** The one user whose tasks and memories the key sees; every user's when undefined. */
  readonly user?: string;
  readonly digest: Buffer;
}

/** Shortest key accepted: 16 characters (`openssl rand -hex 24` makes 48). */
export const minKeyLength = 16;
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const keyPattern = /^[\x21-\x7e]+$/;
const example = "e.g. MESH_API_KEYS=ops:<key>:read+write+admin,ada:<key>:read+write:user=ada";

export function digestOf(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/**
 * Parses MESH_API_KEYS: comma-separated `name:key:scope[+scope][:user=<id>]`. Returns the keys,
 * or the problems, each naming the entry by its name or position (never by its key).
 */
export function parseApiKeys(text: string): { keys: ApiKey[] } | { problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = text.split(",").map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1}`;
    if (entry === "") {
      problems.push(`${where} is empty; separate entries with single commas (${example})`);
      continue;
    }
    const [name = "", key = "", scopeText = "", ...rest] = entry.split(":");
    const label = namePattern.test(name) ? `entry ${index + 1} (${name})` : where;
    if (!namePattern.test(name)) {
      problems.push(`${where}: the name must be 1–63 letters, digits, '.', '_' or '-' (${example})`);
    }
    if (key.length < minKeyLength || !keyPattern.test(key)) {
      problems.push(
        `${label}: the key must be at least ${minKeyLength} printable characters without spaces, ':' or ',' (make one with \`openssl rand -hex 24\`)`,
      );
    }
    const named = scopeText.split("+");
    const unknown = named.filter((scope) => !(scopes as readonly string[]).includes(scope));
    if (scopeText === "" || unknown.length > 0) {
      problems.push(
        `${label}: ${scopeText === "" ? "no scope given" : `unknown scope ${unknown.map((scope) => `'${scope}'`).join(", ")}`}; scopes are ${scopes.join(", ")}, joined with '+'`,
      );
    }
    const bound = rest.join(":");
    if (rest.length > 0 && (!bound.startsWith("user=") || bound.length === "user=".length)) {
      problems.push(`${label}: after the scopes only user=<id> may follow (got ':${bound}')`);
    }
    const user = rest.length > 0 ? bound.slice("user=".length) : undefined;
    keys.push({
      name,
      scopes: new Set(named as Scope[]),
      ...(user ? { user } : {}),
      digest: digestOf(key),
    });
  }
  for (const [index, key] of keys.entries()) {
    if (keys.findIndex((other) => other.name === key.name) !== index) {
      problems.push(`the name '${key.name}' is used twice; give every key its own name`);
    }
    if (keys.findIndex((other) => other.digest.equals(key.digest)) !== index) {
      problems.push(`'${key.name}' has the same key as another entry; give every entry its own key`);
    }
  }
  return problems.length > 0 ? { problems } : { keys };
}
