/** The JSON-RPC methods each version has, for a -32601 that names them. */
export const methodsOf = {
  "1.0": [
    "SendMessage",
    "SendStreamingMessage",
    "GetTask",
    "ListTasks",
    "CancelTask",
    "SubscribeToTask",
    "GetExtendedAgentCard",
  ],
  "0.3": [
    "message/send",
    "message/stream",
    "tasks/get",
    "tasks/cancel",
    "tasks/resubscribe",
    "agent/getAuthenticatedExtendedCard",
  ],
} as const;

/** The methods that name one task by `params.id`. */
const taskMethods = new Set([
  "GetTask",
  "CancelTask",
  "SubscribeToTask",
  "tasks/get",
  "tasks/cancel",
  "tasks/resubscribe",
]);

/**
 * Why a task method's `params.id` is unusable (-32602), or undefined. Checked before the
 * SDK reads the params: its readers turn a missing id into "" and an object into
 * "[object Object]", which would come back as TaskNotFound instead of naming the mistake.
 */
export function taskIdProblem(method: string, params: unknown): string | undefined {
  if (!taskMethods.has(method) || typeof params !== "object" || params === null) return undefined;
  const id = (params as { id?: unknown }).id;
  if (id === undefined || id === "") {
    return `params.id is required and missing: the id of the task (from SendMessage or ListTasks), e.g. {"id": "…"}`;
  }
  if (typeof id !== "string")
    return `params.id is invalid: it must be a string (the task's id), not ${typeof id}`;
  return undefined;
}

/** The message of a -32601: what was asked for, and the methods of that version. */
export function methodNotFound(method: string, version: keyof typeof methodsOf): string {
  return `Method not found: '${method}' is not an A2A ${version} method (invalid here); A2A ${version} has ${methodsOf[version].join(", ")}`;
}
