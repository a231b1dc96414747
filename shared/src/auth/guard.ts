import type { FetchHandler } from "../function/define.ts";
import type { ApiKey, Scope } from "./api-keys.ts";
import { authorize, createAuthenticator } from "./authenticate.ts";

/**
 * Lets a request reach `handler` only with an API key holding `scope` and bound to no
 * user (401 / 403 saying why otherwise); everyone reaches it when there are no keys.
 */
export function requireScope(
  handler: FetchHandler,
  keys: readonly ApiKey[] | undefined,
  scope: Scope,
  what: string,
): FetchHandler {
  const authenticate = createAuthenticator(keys);
  return (request) => {
    const authentication = authenticate(request);
    if (!authentication.ok) return authentication.response;
    return authorize(authentication.caller, scope, what) ?? handler(request);
  };
}
