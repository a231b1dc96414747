import type {
  AgentCard,
  CancelTaskRequest,
  ListTasksRequest,
  ListTasksResponse,
  Message,
  SendMessageRequest,
  StreamResponse,
  SubscribeToTaskRequest,
  Task,
  TaskPushNotificationConfig,
} from "@a2a-js/sdk";
import {
  ContentTypeNotSupportedError,
  ExtendedAgentCardNotConfiguredError,
  PushNotificationNotSupportedError,
  RequestMalformedError,
  TaskNotCancelableError,
  TaskNotFoundError,
  UnsupportedOperationError,
} from "@a2a-js/sdk/errors";
import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import type { Caller } from "@mesh-six/shared/auth/authenticate";
import { createHttpOutbox } from "@mesh-six/shared/runtime/http-outbox";
import type { GatewayContext } from "../config.ts";
import { gatewayName } from "../name.ts";
import { ownedBy } from "../routes/task-owner.ts";
import { cancelMeshTask } from "./cancel.ts";
import { listTasks } from "./list.ts";
import { contentTypeProblem, modesOf } from "./media.ts";
import { capabilityNamed, meshRequestOf } from "./message.ts";
import { taskIdOf } from "./message-id.ts";
import { readSources } from "./read.ts";
import { resumeWithMessage } from "./resume.ts";
import { interruptedStates, terminalStates } from "./state.ts";
import { appendMessage, readA2ATask } from "./store.ts";
import { watchTask } from "./stream.ts";
import { submitTask } from "./submit.ts";
import { messageToJson, stateOf, taskOf } from "./view.ts";

/** The longest a blocking SendMessage waits for the task to finish or ask for something. */
export const blockingWaitMs = 60_000;

export interface MeshHandlerSettings {
  readonly ctx: GatewayContext;
  readonly caller: Caller;
  /** The card the request came through (the fleet's, or one agent's). */
  readonly card: AgentCard;
  /** That card as this caller's key sees it (GetExtendedAgentCard); undefined when the card declares none. */
  readonly extendedCard?: () => AgentCard;
  /** The agent whose card it is, with its capabilities; undefined for the fleet. */
  readonly agent?: { readonly name: string; readonly capabilities: readonly string[] };
  /** The request's abort signal: a closed connection ends waits and streams. */
  readonly signal: AbortSignal;
}

/**
 * The A2A operations over mesh tasks, for the SDK's transport handlers: every A2A task is
 * a mesh task (routed by score, in GET /tasks, GET /runs and the event log), its A2A side
 * kept in `a2a_tasks`, so any replica answers. One is made per request, for its caller.
 */
export function createMeshA2AHandler(settings: MeshHandlerSettings): A2ARequestHandler {
  const { ctx, caller, agent, signal } = settings;
  const outbox = createHttpOutbox({ ...ctx, functionName: gatewayName });

  /** The caller's task, or TaskNotFound (another user's task is one that is not there). */
  const load = async (id: string) => {
    const record = id ? await readA2ATask(ctx.db, id) : undefined;
    if (!record || (caller.user !== undefined && record.owner !== caller.user)) {
      throw new TaskNotFoundError(`no A2A task '${id}'; ListTasks shows the tasks you can see`);
    }
    return record;
  };

  /** The capability a new task goes to when its message names none. */
  const fallback = agent?.capabilities[0] ?? "general-query";

  /** ContentTypeNotSupported (-32005) for parts, or accepted output modes, the skill does not take. */
  const checkContentTypes = (message: Message, accepted: readonly string[], capability: string) => {
    const problem = contentTypeProblem(message, accepted, modesOf(settings.card, capability));
    if (problem) throw new ContentTypeNotSupportedError(problem);
  };

  /** A new task for `message`, or the one it started already (the same messageId from the same caller: a retry). */
  const start = async (request: SendMessageRequest, message: Message): Promise<string> => {
    const taskId = taskIdOf(caller, agent?.name, message.messageId);
    if (await readA2ATask(ctx.db, taskId)) return taskId;
    const parsed = meshRequestOf(message, request.metadata, fallback);
    if (!parsed.ok) throw new RequestMalformedError(parsed.problem);
    const { capability } = parsed.value;
    if (agent && !agent.capabilities.includes(capability)) {
      throw new RequestMalformedError(
        `agent ${agent.name} offers ${agent.capabilities.join(", ")}, not '${capability}'; send it to the fleet's card (/a2a) or name one of those in metadata.capability`,
      );
    }
    const owned = ownedBy(caller.user, { payload: parsed.value.payload });
    if (!owned.ok) throw new RequestMalformedError(owned.refusal.error);
    const contextId = message.contextId || crypto.randomUUID();
    const stored = messageToJson({ ...message, taskId, contextId });
    try {
      await submitTask(outbox, {
        taskId,
        contextId,
        capability,
        payload: owned.request.payload,
        message: stored,
        ...(agent ? { agent: agent.name } : {}),
        ...(caller.user === undefined ? {} : { owner: caller.user }),
        at: ctx.clock.now(),
      });
    } catch (error) {
      // the same message twice at once: the other request's commit won, and its task is this one
      if (await readA2ATask(ctx.db, taskId)) return taskId;
      throw error;
    }
    return taskId;
  };

  /** A new task, or the caller's next message on one that waits for it. */
  const accept = async (request: SendMessageRequest): Promise<string> => {
    const message = request.message;
    if (!message) throw new RequestMalformedError("params.message is required: the message to send");
    if (!message.messageId) throw new RequestMalformedError("message.messageId is required");
    if (message.parts.length === 0)
      throw new RequestMalformedError("message.parts must hold at least one part");
    const accepted = request.configuration?.acceptedOutputModes ?? [];
    if (!message.taskId) {
      const named = capabilityNamed(message, request.metadata);
      checkContentTypes(message, accepted, typeof named === "string" ? named : fallback);
      return start(request, message);
    }
    const record = await load(message.taskId);
    checkContentTypes(message, accepted, record.capability);
    if (message.contextId && message.contextId !== record.contextId) {
      throw new RequestMalformedError(
        `message.contextId '${message.contextId}' is not task ${record.id}'s context '${record.contextId}'; leave it out or send that one`,
      );
    }
    const sources = await readSources(ctx.db, record);
    const state = stateOf(sources);
    if (terminalStates.has(state)) {
      throw new UnsupportedOperationError(
        `task ${record.id} is ${state} and takes no more messages; start a new task (leave message.taskId out, keep contextId ${record.contextId} to stay in the conversation)`,
      );
    }
    if (!sources.waiting) {
      throw new UnsupportedOperationError(
        `task ${record.id} is ${state} and waits for nothing from you; follow it with GetTask or SubscribeToTask`,
      );
    }
    await resumeWithMessage(ctx, caller, sources.waiting, message);
    await appendMessage(
      ctx.db,
      record.id,
      messageToJson({ ...message, contextId: record.contextId }),
      ctx.clock.now(),
    );
    return record.id;
  };

  const current = async (id: string, historyLength?: number) => {
    if (historyLength !== undefined && historyLength < 0) {
      throw new RequestMalformedError("historyLength must be 0 or more");
    }
    return taskOf(await readSources(ctx.db, await load(id)), historyLength);
  };

  /** Waits until the task rests (finished, or waiting for the caller) or `blockingWaitMs` has passed. */
  const settled = async (id: string, historyLength?: number): Promise<Task> => {
    const until = ctx.clock.now() + blockingWaitMs;
    for (;;) {
      const sources = await readSources(ctx.db, await load(id));
      const state = stateOf(sources);
      const rests = terminalStates.has(state) || interruptedStates.has(state);
      if (rests || ctx.clock.now() >= until || signal.aborted) return taskOf(sources, historyLength);
      await ctx.clock.sleep(Math.min(100, until - ctx.clock.now()), signal).catch(() => {});
    }
  };

  const watch = async function* (id: string): AsyncGenerator<StreamResponse> {
    for await (const update of watchTask({
      ctx,
      signal,
      read: async () => readSources(ctx.db, await load(id)),
    })) {
      yield update;
    }
  };

  return {
    getAgentCard: async () => settings.card,
    getAuthenticatedExtendedAgentCard: async (_request, call) => {
      if (settings.extendedCard) return settings.extendedCard();
      // v1.0: a card that does not declare capabilities.extendedAgentCard is UnsupportedOperation;
      // v0.3 has no such rule and names this case AuthenticatedExtendedCardNotConfigured (-32007).
      const why =
        "this mesh has no extended agent card: it runs without MESH_API_KEYS, so there is no key to authenticate and the public card (GET /.well-known/agent-card.json) is all";
      if (call?.requestedVersion === "0.3") throw new ExtendedAgentCardNotConfiguredError(why);
      throw new UnsupportedOperationError(`${why} (capabilities.extendedAgentCard is false)`);
    },
    async sendMessage(request) {
      const id = await accept(request);
      const historyLength = request.configuration?.historyLength;
      return request.configuration?.returnImmediately
        ? current(id, historyLength)
        : settled(id, historyLength);
    },
    async *sendMessageStream(request) {
      yield* watch(await accept(request));
    },
    getTask: async (request) => current(request.id, request.historyLength),
    async cancelTask(request: CancelTaskRequest) {
      const record = await load(request.id);
      const sources = await readSources(ctx.db, record);
      const state = stateOf(sources);
      if (terminalStates.has(state)) {
        throw new TaskNotCancelableError(
          `task ${record.id} is ${state} already; only an unfinished task can be canceled`,
        );
      }
      const canceled = await cancelMeshTask(ctx, record, `A2A caller ${caller.name}`);
      if (!canceled.ok) throw new TaskNotCancelableError(canceled.problem);
      return current(record.id);
    },
    async *resubscribe(request: SubscribeToTaskRequest) {
      const record = await load(request.id);
      const state = stateOf(await readSources(ctx.db, record));
      if (terminalStates.has(state)) {
        throw new UnsupportedOperationError(
          `task ${record.id} is ${state}: there is nothing more to stream; read it with GetTask`,
        );
      }
      yield* watch(record.id);
    },
    listTasks: async (request: ListTasksRequest): Promise<ListTasksResponse> =>
      listTasks(ctx.db, request, {
        ...(caller.user === undefined ? {} : { owner: caller.user }),
        ...(agent ? { agent: agent.name } : {}),
      }),
    createTaskPushNotificationConfig: async (_config: TaskPushNotificationConfig) => noPush(),
    getTaskPushNotificationConfig: async () => noPush(),
    listTaskPushNotificationConfigs: async () => noPush(),
    deleteTaskPushNotificationConfig: async () => noPush(),
  };
}

function noPush(): never {
  throw new PushNotificationNotSupportedError(
    "mesh-six sends no push notifications (the card says pushNotifications: false); stream with SendStreamingMessage or SubscribeToTask, or poll GetTask",
  );
}
