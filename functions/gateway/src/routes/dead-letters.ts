import type { MeshEvent } from "@mesh-six/events";
import {
  type DeadLetter,
  DeadLetterReplayedError,
  getDeadLetter,
  listDeadLetters,
  replayDeadLetter,
} from "@mesh-six/shared/broker/dead-letters";
import { toJsonFormat } from "@mesh-six/shared/broker/event-json";
import { errorMessage, isRetryable } from "@mesh-six/shared/errors";
import { jsonResponse } from "@mesh-six/shared/http/json-response";
import { bigintId } from "@mesh-six/shared/validate/ids";
import type { Context } from "hono";
import { z } from "zod";
import { needs } from "../access.ts";
import { errorText } from "../error-text.ts";
import { booleanText, parseParameters, parseQuery, wholeNumber } from "../query.ts";
import { routeModule } from "../route-module.ts";

const listQuery = z.strictObject({
  limit: wholeNumber(1, 1000).optional(),
  includeReplayed: booleanText.optional(),
});

const replayQuery = z.strictObject({ again: booleanText.optional() });

const idParameter = z.strictObject({
  id: bigintId("must be a dead-letter id (a whole number; see GET /dead-letters)"),
});

/**
 * The dead-letter store:
 * Each dead letter is answered as stored, its `event` in the CloudEvents JSON format (JSON data exactly as
 * accepted, text as a string, other bytes as `data_base64`),
 * with `errorText`: the subscriber's response body (`errorData`, base64) as text, when it is text.
 * - `GET /dead-letters?limit=&includeReplayed=` → `{ deadLetters }`, newest first; replayed ones only on request.
 * - `GET /dead-letters/:id` → `{ deadLetter }`, 404 when there is none with that id.
 * - `POST /dead-letters/:id/replay[?again=true]` → publishes the stored event to the broker again and
 *   answers `{ deadLetter }` with `replayedAt` set; a dead letter is replayed once: 409 when it was
 *   replayed already and `again` is not set. 404 for an unknown id, 503 when the broker cannot store it.
 */
export const deadLetterRoutes = routeModule("/dead-letters", (app, ctx) => {
  app.get("/", needs("read"), async (context) => {
    const query = parseQuery(context, listQuery);
    if (!query.ok) return query.response;
    const { limit, includeReplayed } = query.data;
    const deadLetters = await listDeadLetters(ctx.db, {
      ...(limit === undefined ? {} : { limit }),
      ...(includeReplayed === undefined ? {} : { includeReplayed }),
    });
    return jsonResponse({ deadLetters: deadLetters.map(toJson) });
  });

  app.get("/:id", needs("read"), async (context) => {
    const id = parseId(context);
    if (!id.ok) return id.response;
    const deadLetter = await getDeadLetter(ctx.db, id.data);
    return deadLetter ? jsonResponse({ deadLetter: toJson(deadLetter) }) : notFound(context, id.data);
  });

  app.post("/:id/replay", needs("admin"), async (context) => {
    const id = parseId(context);
    if (!id.ok) return id.response;
    const query = parseQuery(context, replayQuery);
    if (!query.ok) return query.response;
    let published = false;
    try {
      const replay = async (event: MeshEvent) => {
        await ctx.publish(event);
        published = true;
      };
      const deadLetter = await replayDeadLetter(ctx.db, id.data, replay, {
        again: query.data.again ?? false,
      });
      return deadLetter ? jsonResponse({ deadLetter: toJson(deadLetter) }) : notFound(context, id.data);
    } catch (error) {
      if (error instanceof DeadLetterReplayedError) {
        return context.json({ error: error.message, deadLetter: toJson(error.deadLetter) }, 409);
      }
      if (published) throw error;
      if (!isRetryable(error)) {
        return context.json(
          { error: `this dead letter cannot be published again, as it is: ${errorMessage(error)}` },
          422,
        );
      }
      ctx.logger.warn("dead-letter replay could not publish", { deadLetter: id.data, error });
      return context.json(
        { error: `the broker could not store the replayed event (${errorMessage(error)}); try again later` },
        503,
      );
    }
  });
});

function parseId(context: Context) {
  const parsed = parseParameters(
    context,
    idParameter,
    { id: context.req.param("id") ?? "" },
    "path parameter",
  );
  return parsed.ok ? { ok: true as const, data: parsed.data.id } : parsed;
}

function notFound(context: Context, id: string): Response {
  return context.json({ error: `no dead letter with id ${id}; list them with GET /dead-letters` }, 404);
}

function toJson(deadLetter: DeadLetter) {
  const text = errorText(deadLetter.errorData);
  return {
    ...deadLetter,
    ...(text === undefined ? {} : { errorText: text }),
    event: toJsonFormat(deadLetter.event),
  };
}
