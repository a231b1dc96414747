import { createHash } from "node:crypto";

// Upstash accepts this Lua shebang flag (@upstash/ratelimit's scripts carry it); Redis
// refuses flags it does not know, so the proxy drops it, as Upstash's server ignores it for us.
const upstashOnlyFlag = "allow-key-locking";

export interface ScriptFlags {
  /** The command to send to Redis: EVAL scripts without the flag, EVALSHA by the new hash. */
  rewrite(command: unknown[]): unknown[];
}

export function createScriptFlags(): ScriptFlags {
  // The client's hash of the script it sent → the hash Redis knows it by.
  const hashes = new Map<string, string>();
  const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
  const strip = (script: string) =>
    script.replace(/^#!lua flags=([^\n]*)/, (_line, flags: string) => {
      const kept = flags
        .split(",")
        .map((flag) => flag.trim())
        .filter((flag) => flag && flag !== upstashOnlyFlag);
      return kept.length > 0 ? `#!lua flags=${kept.join(",")}` : "#!lua";
    });
  return {
    rewrite(command) {
      const name = String(command[0]).toLowerCase();
      if ((name === "eval" || name === "eval_ro") && typeof command[1] === "string") {
        const script = strip(command[1]);
        if (script !== command[1]) hashes.set(sha1(command[1]), sha1(script));
        return [command[0], script, ...command.slice(2)];
      }
      if ((name === "evalsha" || name === "evalsha_ro") && typeof command[1] === "string") {
        return [command[0], hashes.get(command[1]) ?? command[1], ...command.slice(2)];
      }
      if (
        name === "script" &&
        String(command[1]).toLowerCase() === "load" &&
        typeof command[2] === "string"
      ) {
        const script = strip(command[2]);
        if (script !== command[2]) hashes.set(sha1(command[2]), sha1(script));
        return [command[0], command[1], script];
      }
      return command;
    },
  };
}
