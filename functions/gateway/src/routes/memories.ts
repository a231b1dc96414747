import { createMemory, type MemoryService } from "@mesh-six/shared/memory/create";
import type { MemoryRecord } from "@mesh-six/shared/memory/port";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { needs, userOf } from "../access.ts";
import type { RouteModule } from "../app.ts";
import type { GatewayContext } from "../config.ts";
import { parseParameters, parseQuery, wholeNumber } from "../query.ts";

const name = z.string().min(1).max(200);

const searchQuery = z.strictObject({
  q: z.string().trim().min(1, "must not be empty; leave it out to list memories").max(2000).optional(),
  agent: name.optional(),
  user: name.optional(),
  since: z.iso
    .datetime({ offset: true, error: "must be an ISO-8601 time, e.g. 2025-06-01T00:00:00Z" })
    .optional(),
  limit: wholeNumber(1, 100).optional(),
  minScore: z
    .string()
    .regex(/^-?\d+(?:\.\d+)?$/, "must be a number from -1 to 1")
    .transform(Number)
    .pipe(z.number().min(-1, "must be a number from -1 to 1").max(1, "must be a number from -1 to 1"))
    .optional(),
});

const forgetQuery = z.strictObject({ user: name, agent: name.optional() });

const idParameter = z.strictObject({
  id: z.uuid("must be a memory id (a UUID, as GET /memories lists them)"),
});

/**
 * Long-term memory of the agents:
 * - `GET /memories?q=&agent=&user=&since=&limit=&minScore=` → `{ embedder, memories }`: with `q`, the memories
 *   most similar to it (each with its `score`), best first, above the relevance threshold; without, the newest.
 *   `embedder` names the model, and says so when it is the local lexical one.
 * - `DELETE /memories/:id` → `{ memory }` it forgot; 404 when there is none with that id.
 * - `DELETE /memories?user=&agent=` → `{ forgotten }`: how many of the user's memories were deleted.
 */
export const memoryRoutes: RouteModule = (app: Hono, ctx: GatewayContext) => {
  let service: MemoryService | undefined;
  const memory = () => {
    service ??= createMemory({ db: ctx.db, config: ctx.config, clock: ctx.clock, logger: ctx.logger });
    return service;
  };

  app.get("/memories", needs("read", { perUser: true }), async (context) => {
    const query = parseQuery(context, searchQuery);
    if (!query.ok) return query.response;
    const { q, agent, since, limit, minScore } = query.data;
    const scoped = ownUser(context, query.data.user);
    if (!scoped.ok) return scoped.response;
    const { user } = scoped;
    const { store } = memory();
    const filter = {
      ...(agent === undefined ? {} : { agent }),
      ...(user === undefined ? {} : { userId: user }),
      ...(since === undefined ? {} : { since: new Date(since) }),
    };
    const memories =
      q === undefined
        ? await store.list({ ...filter, limit: limit ?? 50 })
        : await store.search(q, {
            ...filter,
            limit: limit ?? 10,
            ...(minScore === undefined ? {} : { minScore }),
          });
    return context.json({ embedder: describeEmbedder(memory()), memories: memories.map(toJson) });
  });

  app.delete("/memories", needs("write", { perUser: true }), async (context) => {
    const query = parseQuery(context, forgetQuery);
    if (!query.ok) return query.response;
    const { user, agent } = query.data;
    const scoped = ownUser(context, user);
    if (!scoped.ok) return scoped.response;
    const forgotten = await memory().store.forgetUser(user, agent === undefined ? {} : { agent });
    return context.json({ forgotten });
  });

  app.delete("/memories/:id", needs("write", { perUser: true }), async (context) => {
    const parsed = parseParameters(
      context,
      idParameter,
      { id: context.req.param("id") ?? "" },
      "path parameter",
    );
    if (!parsed.ok) return parsed.response;
    const { id } = parsed.data;
    const { store } = memory();
    const found = await store.get(id);
    const user = userOf(context);
    // another user's memory is, to a key bound to a user, a memory that is not there
    if (!found || (user !== undefined && found.userId !== user)) return notFound(context, id);
    if (!(await store.forget(id))) return notFound(context, id);
    return context.json({ memory: toJson(found) });
  });
};

/**
 * The user whose memories a request is about: the key's own user for a key bound to one
 * (403 when the query names another), else the `user` parameter.
 */
function ownUser(context: Context, asked: string | undefined) {
  const user = userOf(context);
  if (user === undefined || asked === undefined || asked === user) {
    return { ok: true as const, user: user ?? asked };
  }
  return {
    ok: false as const,
    response: context.json(
      {
        error: `a key bound to user ${user} sees only that user's memories; leave 'user' out or set it to '${user}'`,
        parameter: "user",
      },
      403,
    ),
  };
}

function describeEmbedder(service: MemoryService) {
  const { embedder } = service.store;
  return {
    model: embedder.modelId,
    dimensions: embedder.dimensions,
    local: embedder.local,
    ...(embedder.local
      ? {
          note: "the deterministic local embedder: lexical similarity only; set EMBEDDING_MODEL for semantic search",
        }
      : {}),
  };
}

function notFound(context: Context, id: string): Response {
  return context.json({ error: `no memory with id ${id}; list them with GET /memories` }, 404);
}

function toJson(memory: MemoryRecord & { readonly score?: number }) {
  return {
    id: memory.id,
    agent: memory.agent,
    userId: memory.userId,
    content: memory.content,
    metadata: memory.metadata,
    ...(memory.score === undefined ? {} : { score: memory.score }),
    createdAt: memory.createdAt.toISOString(),
    updatedAt: memory.updatedAt.toISOString(),
    lastUsedAt: memory.lastUsedAt?.toISOString() ?? null,
  };
}
