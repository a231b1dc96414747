import { timingSafeEqual } from "node:crypto";
import { type ApiKey, digestOf, type Scope, scopes } from "./api-keys.ts";

/** Who sent a request, as far as the API keys tell. */
export interface Caller {
  /** The key's name in MESH_API_KEYS; `anyone` on a mesh without keys. */
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  /** Set for a key bound to one user: it sees only that user's tasks and memories. */
  readonly user?: string;
}

/** Everyone, on a mesh with no MESH_API_KEYS (it listens on loopback only). */
export const anyone: Caller = { name: "anyone", scopes: new Set(scopes) };

export type Authentication =
  | { readonly ok: true; readonly caller: Caller }
  | { readonly ok: false; readonly response: Response };

/**
 * The `WWW-Authenticate` challenge of RFC 6750 §3: the realm alone when no key came (the
 * RFC asks for no error code then), `error="invalid_token"` for a key the mesh does not
 * know, `error="insufficient_scope"` with the scope it needed on a 403.
 */
export function bearerChallenge(error?: "invalid_token" | "insufficient_scope", scope?: string): string {
  const parts = ['Bearer realm="mesh-six"'];
  if (error) parts.push(`error="${error}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return parts.join(", ");
}

/**
 * Reads the `Authorization: Bearer <key>` of a request and finds its key among `keys`,
 * comparing SHA-256 digests in constant time and always against every key. Without keys
 * everyone is let in with every scope; with keys a missing or unknown key is a 401 that
 * says how to send one.
 */
export function createAuthenticator(keys: readonly ApiKey[] | undefined) {
  return (request: Request): Authentication => {
    if (!keys || keys.length === 0) return { ok: true, caller: anyone };
    const header = request.headers.get("authorization");
    const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "")?.[1];
    if (presented === undefined) {
      return refuse(
        header === null
          ? "this mesh needs an API key: send it as 'Authorization: Bearer <key>' (the mesh CLI sends MESH_API_KEY); the mesh's keys are set in MESH_API_KEYS"
          : "the Authorization header must be 'Bearer <key>' (the mesh CLI sends MESH_API_KEY that way)",
      );
    }
    const digest = digestOf(presented);
    let found: ApiKey | undefined;
    for (const key of keys) {
      if (timingSafeEqual(key.digest, digest) && !found) found = key;
    }
    if (!found) {
      return refuse(
        "the API key is not one of this mesh's keys (MESH_API_KEYS); check MESH_API_KEY, or ask whoever runs the mesh for a key",
        "invalid_token",
      );
    }
    return {
      ok: true,
      caller: { name: found.name, scopes: found.scopes, ...(found.user ? { user: found.user } : {}) },
    };
  };
}

function refuse(error: string, code?: "invalid_token"): Authentication {
  return {
    ok: false,
    response: Response.json(
      { error },
      { status: 401, headers: { "www-authenticate": bearerChallenge(code) } },
    ),
  };
}

/** 403 for a key without the scope `what` needs. */
export function lacksScope(caller: Caller, scope: Scope, what: string): Response {
  const held = [...caller.scopes].join(", ") || "none";
  return Response.json(
    {
      error: `the key '${caller.name}' lacks the scope '${scope}', which ${what} needs (its scopes: ${held}); use a key with '${scope}' (MESH_API_KEYS entries are name:key:scope+scope)`,
      scope,
    },
    { status: 403, headers: { "www-authenticate": bearerChallenge("insufficient_scope", scope) } },
  );
}

/**
 * 403 for a key holding none of `needed`, on a route whose calls each need one of them
 * (A2A's JSON-RPC endpoint: sending needs `write`, reading `read`); `scope` names the first.
 */
export function lacksEveryScope(caller: Caller, needed: readonly Scope[], what: string): Response {
  const held = [...caller.scopes].join(", ") || "none";
  const listed = needed.map((scope) => `'${scope}'`).join(", ");
  return Response.json(
    {
      error: `the key '${caller.name}' holds none of the scopes ${listed}, one of which ${what} needs, depending on the call (its scopes: ${held}); use a key with the scope the call needs (MESH_API_KEYS entries are name:key:scope+scope)`,
      scope: needed[0],
    },
    { status: 403, headers: { "www-authenticate": bearerChallenge("insufficient_scope", needed.join(" ")) } },
  );
}

/** 403 for a key bound to a user, on something that shows or changes every user's data. */
export function boundToUser(caller: Caller, what: string): Response {
  return Response.json(
    {
      error: `the key '${caller.name}' is bound to user ${caller.user} and sees only that user's tasks and memories; ${what} is not limited to one user, so it needs a key that is not bound to a user`,
    },
    { status: 403 },
  );
}

/** Checks that `caller` holds `scope` (and, unless `perUser`, is not bound to a user). */
export function authorize(
  caller: Caller,
  scope: Scope,
  what: string,
  options: { readonly perUser?: boolean } = {},
): Response | undefined {
  if (!caller.scopes.has(scope)) return lacksScope(caller, scope, what);
  if (caller.user !== undefined && !options.perUser) return boundToUser(caller, what);
  return undefined;
}

/**
 * Checks that `caller` holds at least one of `needed` (and, unless `perUser`, is not bound
 * to a user): the door of a route whose calls need different scopes; the handler then
 * `authorize`s the one its call needs.
 */
export function authorizeAny(
  caller: Caller,
  needed: readonly Scope[],
  what: string,
  options: { readonly perUser?: boolean } = {},
): Response | undefined {
  if (!needed.some((scope) => caller.scopes.has(scope))) return lacksEveryScope(caller, needed, what);
  if (caller.user !== undefined && !options.perUser) return boundToUser(caller, what);
  return undefined;
}
