import type { MeshEvent } from "@mesh-six/events";
import { handlerView } from "../broker/event-data.ts";
import type { Subscriber, SubscriberResponse } from "../broker/types.ts";
import { errorMessage, isRetryable } from "../errors.ts";
import type { FunctionContext, Handler } from "../function/define.ts";
import { type MeshEventEntry, recordMeshEvent } from "../log/event-log.ts";
import { traceOf } from "../log/trace.ts";
import { checkEvents, createCommitter } from "./commit.ts";
import { DuplicateEventError } from "./duplicate.ts";
import { createEmitter } from "./emit.ts";
import { type InboxKey, isHandled } from "./inbox.ts";
import { publishOutbox } from "./outbox-publish.ts";
import { storeHandled, storeInOutbox } from "./outbox-store.ts";
import { errorResponse, toDeliveryError } from "./responses.ts";
import type { FunctionRuntimeSettings } from "./settings.ts";
import { withDeadline } from "./timeout.ts";

export interface HandlerSubscriberSettings extends FunctionRuntimeSettings {
  readonly handler: Handler;
  readonly timeoutMs: number;
}

/**
 * The subscriber that runs one function's handler for one delivery: skips an event already
 * handled, runs the handler with its context under the deadline (the event's data parsed
 * for it, once: `handlerView`), claims the inbox row and
 * stores the follow-ups in one transaction (or lets `ctx.commit` do it), publishes them,
 * and answers 200, 422 (will never succeed) or 503 (try again).
 */
export function createHandlerSubscriber(settings: HandlerSubscriberSettings): Subscriber {
  const { definition, db, kv, clock, config, handler, publish } = settings;
  const name = definition.name;
  const now = () => clock.now();

  return async (event, { signal }) => {
    const started = now();
    const trace = traceOf(event);
    const key: InboxKey = { functionName: name, source: event.source, eventId: event.id };
    const logger = settings.logger.child({
      function: name,
      eventId: event.id,
      eventType: event.type,
      traceId: trace.traceId,
    });
    const entry: Omit<MeshEventEntry, "kind"> = {
      traceId: trace.traceId,
      functionName: name,
      eventType: event.type,
      eventId: event.id,
      source: event.source,
      ...(event.subject === undefined ? {} : { subject: event.subject }),
    };
    const record = async (kind: string, data: Record<string, unknown>) => {
      try {
        await recordMeshEvent(db, { ...entry, kind, data: { durationMs: now() - started, ...data } });
      } catch (error) {
        logger.warn("could not record the handler outcome in mesh_events", { error: errorMessage(error) });
      }
    };
    // Publishes this event's stored follow-ups; a failure leaves them for the sweep.
    const flush = async (): Promise<number> => {
      try {
        const result = await publishOutbox(
          { db, publish, now },
          { functionName: name, cause: { source: event.source, eventId: event.id } },
        );
        if (result.failure) {
          logger.warn(
            "publishing follow-ups failed; they are stored and the outbox sweep will publish them",
            {
              published: result.published,
              error: errorMessage(result.failure.error),
            },
          );
        }
        return result.published;
      } catch (error) {
        logger.warn("could not read the outbox; the outbox sweep will publish the follow-ups", {
          error: errorMessage(error),
        });
        return 0;
      }
    };
    const duplicate = async (): Promise<SubscriberResponse> => {
      const published = await flush();
      logger.info("event already handled; this delivery has no effect", { published });
      await record("handler.duplicate", { published });
      return { status: 200 };
    };

    let flushed = 0;
    const controller = new AbortController();
    const committer = createCommitter({ db, key, now, signal: controller.signal });
    try {
      if (await isHandled(db, key)) return await duplicate();
      const view = handlerView(event);
      const ctx: FunctionContext = {
        function: name,
        db,
        kv,
        logger,
        clock,
        config,
        variable: settings.variable ?? (() => undefined),
        trace,
        event: view,
        signal: controller.signal,
        emit: createEmitter({ functionName: name, cause: event, trace, now }),
        commit: (work) => committer.commit(work),
        flush: async () => {
          const published = await flush();
          flushed += published;
          return published;
        },
        publishNow: publish,
        ...(settings.llm ? { llm: settings.llm } : {}),
        ...(settings.memory ? { memory: settings.memory.forAgent(name) } : {}),
      };
      const returned = await withDeadline(async () => checkEvents(await handler(view, ctx)), {
        clock,
        timeoutMs: settings.timeoutMs,
        signal,
        controller,
        describe: `the handler of ${name}`,
      });
      if (committer.committed) {
        await storeInOutbox(db, key, returned, now());
      } else if (!(await storeHandled(db, key, returned, now()))) {
        return await duplicate();
      }
      // what this delivery stored, it publishes; with nothing stored there is nothing to read
      const stored = committer.stored + returned.length;
      const published = flushed + (stored > 0 ? await flush() : 0);
      logger.info("handled event", { durationMs: now() - started, emitted: returned.length, published });
      await record("handler.succeeded", { status: 200, emitted: eventIds(returned), published });
      return { status: 200 };
    } catch (thrown) {
      if (thrown instanceof DuplicateEventError) return await duplicate();
      if (committer.stored > 0) await flush();
      const error = toDeliveryError(thrown);
      const response = errorResponse(error);
      const retryable = isRetryable(error);
      const fields = { durationMs: now() - started, status: response.status, error: errorMessage(error) };
      if (retryable) logger.warn("handler failed; the broker will retry", fields);
      else logger.error("handler failed for good; the event goes to the dead-letter store", fields);
      await record("handler.failed", { status: response.status, error: errorMessage(error), retryable });
      return response;
    }
  };
}

function eventIds(events: readonly MeshEvent[]): string[] {
  return events.map((event) => event.id);
}
