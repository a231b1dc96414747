/** The fields of a task request that say whose it is. */
interface Request {
  readonly requestedBy?: string | undefined;
  readonly payload: Record<string, unknown>;
}

export type Owned<T> =
  | { readonly ok: true; readonly request: T }
  | { readonly ok: false; readonly refusal: { readonly error: string; readonly field: string } };

/**
 * A task request from a key bound to `user` is that user's: `requestedBy` (who may read the
 * task) and `payload.userId` (whose memories the agents use) are set to the user, and a
 * request naming someone else in either is refused. Requests from other keys are unchanged.
 */
export function ownedBy<T extends Request>(user: string | undefined, request: T): Owned<T> {
  if (user === undefined) return { ok: true, request };
  const fields: [string, unknown][] = [
    ["requestedBy", request.requestedBy],
    ["payload.userId", request.payload.userId],
  ];
  for (const [field, value] of fields) {
    if (value !== undefined && value !== user) {
      return {
        ok: false,
        refusal: {
          error: `a key bound to user ${user} starts tasks only for that user; leave '${field}' out or set it to '${user}'`,
          field,
        },
      };
    }
  }
  return {
    ok: true,
    request: { ...request, requestedBy: user, payload: { ...request.payload, userId: user } },
  };
}
