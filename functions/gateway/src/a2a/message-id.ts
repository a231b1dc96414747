import { createHash } from "node:crypto";
import type { Caller } from "@mesh-six/shared/auth/authenticate";

/**
 * The id of the task a caller's new message starts, derived from who sent it (the user a
 * key is bound to, else the key's name), the card it came through and its `messageId`: the
 * same message sent again (a retry after a lost answer) finds the task it started instead
 * of starting a second one, as the spec lets an agent "utilize the messageId to detect
 * duplicate messages". Two callers' messages never meet, whatever ids they choose. The
 * digest is written as a UUID (version 5's layout) so it reads like every other task id.
 */
export function taskIdOf(caller: Caller, agent: string | undefined, messageId: string): string {
  const sender = caller.user === undefined ? `key:${caller.name}` : `user:${caller.user}`;
  const hex = createHash("sha256")
    .update(`a2a-task\n${sender}\n${agent ?? ""}\n${messageId}`)
    .digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
