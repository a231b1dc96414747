import type { MeshEvent } from "@mesh-six/events";
import { fromStored } from "@mesh-six/shared/broker/event-json";
import { createManualClock } from "@mesh-six/shared/clock";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { afterAll, beforeAll } from "vitest";
import { webhookReceiver } from "../index.ts";

/** The webhooks' secrets in tests. */
export const testSecrets = {
  GITHUB_WEBHOOK_SECRET: "github-webhook-secret-for-the-tests",
  GITEA_WEBHOOK_SECRET: "gitea-webhook-secret-for-the-tests",
} as const;

/** The receiver (and `others`) on the embedded host: in-memory PGlite, a manual clock, no rate limit. */
export async function startReceiverHost(
  env: Record<string, string> = testSecrets,
  others: readonly FunctionDefinition[] = [],
): Promise<EmbeddedHost> {
  const clock = createManualClock();
  return startEmbeddedHost({
    functions: [webhookReceiver, ...others],
    environment: { RATE_LIMIT_PER_MINUTE: "0", ...env },
    clock,
    db: await createPgliteDb(),
    kv: createMemoryKv({ clock }),
    logger: silentLogger,
  });
}

/** Every event the broker accepted whose type starts with `prefix`, data as the stored bytes. */
export async function acceptedEvents(db: SqlExecutor, prefix = "dev.meshsix."): Promise<MeshEvent[]> {
  const { rows } = await db.query<{ event: unknown; data: unknown }>(
    "SELECT event, data FROM broker_events WHERE event->>'type' LIKE $1 ORDER BY seq",
    [`${prefix}%`],
  );
  return rows.map((row) => fromStored(row.event, row.data));
}

/** The answer's status and JSON body. */
export async function answerOf(
  response: Response,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = await response.text();
  return { status: response.status, json: text.startsWith("{") ? JSON.parse(text) : { text } };
}

/**
 * For a test file: the receiver host started before its tests and stopped after them,
 * `deliver` (the answer to a request through `host.fetch`) and `published` (the accepted
 * events whose type starts with `prefix`).
 */
export function receiverUnderTest(prefix: string) {
  let started: EmbeddedHost | undefined;
  beforeAll(async () => {
    started = await startReceiverHost();
  });
  afterAll(() => started?.stop());
  const host = () => {
    if (!started) throw new Error("the receiver host has not started; use it inside a test");
    return started;
  };
  return {
    host,
    deliver: async (request: Request) => answerOf(await host().fetch(request)),
    published: () => acceptedEvents(host().db, prefix),
  };
}
