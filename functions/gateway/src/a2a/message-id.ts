import type { Caller } from "@mesh-six/shared/auth/authenticate";
import { deriveEventId } from "@mesh-six/shared/runtime/ids";

/**
 * The id of the task a caller's new message starts, derived from who sent it (the user a
 * key is bound to, else the key's name), the card it came through and its `messageId`: the
 * same message sent again (a retry after a lost answer) finds the task it started instead
 * of starting a second one, as the spec lets an agent "utilize the messageId to detect
 * duplicate messages". Two callers' messages never meet, whatever ids they choose: the
 * parts are hashed as a JSON array, so no messageId can pose as another sender's. The id is
 * the mesh's derived-id form (a UUID, version 8), like every follow-up event's.
 */
export function taskIdOf(caller: Caller, agent: string | undefined, messageId: string): string {
  const sender = caller.user === undefined ? `key:${caller.name}` : `user:${caller.user}`;
  return deriveEventId("a2a-task", sender, agent ?? "", messageId);
}
