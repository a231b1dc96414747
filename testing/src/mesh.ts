import { type MeshEvent, TaskRequested } from "@mesh-six/events";
import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { createEmbeddedBroker, type EmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import { createSteppingClock, type SteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import {
  type BrokerFactorySettings,
  type EmbeddedHost,
  startEmbeddedHost,
} from "@mesh-six/shared/host/embedded";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import type { Logger } from "@mesh-six/shared/ports/logger";
import { readTask, type TaskRecord } from "@mesh-six/shared/registry/tasks";
import type { z } from "zod";
import { type Decision, decisionEvent } from "./decision.ts";
import { settleHost } from "./settle.ts";

export interface TestMeshSettings {
  /** The functions under test; the orchestrator, dead-letter and gateway are added when missing. */
  readonly functions: readonly FunctionDefinition[];
  /**
   * The mesh's environment. The database is in-memory PGlite unless it names one
   * (`DATABASE_URL`, or `MESH_DATA_DIR` for PGlite on disk, to restart a mesh on it).
   */
  readonly env?: Record<string, string>;
  /** A stepping clock at 0 when omitted (pass one to start later, or to share it). */
  readonly clock?: SteppingClock;
  /** Add the gateway (the HTTP API: `fetch`, `json`); true when omitted. */
  readonly gateway?: boolean;
  /** Silent when omitted. */
  readonly logger?: Logger;
  /** Add the orchestrator and dead-letter (and the gateway) when missing; true when omitted. */
  readonly platform?: boolean;
  /** The embedded broker to use instead of the plain one (extra Triggers to HTTP subscribers, …). */
  readonly createBroker?: (settings: BrokerFactorySettings) => EmbeddedBroker;
  /** The types outside senders may post to the ingress; the catalog's `fromOutside` ones when omitted. */
  readonly outsideEventTypes?: readonly string[];
}

export type TaskOptions = Omit<z.input<typeof TaskRequested.schema>, "capability" | "payload">;

export interface TestMesh {
  readonly host: EmbeddedHost;
  readonly db: Db;
  readonly clock: SteppingClock;
  /** Every event the broker accepted, in order (what functions emitted and what was published). */
  readonly events: readonly MeshEvent[];
  /** Resolves once the broker has nothing due and nothing in flight. */
  settle(): Promise<void>;
  /**
   * Moves the clock, stopping at every wake-up on the way and letting everything due run
   * (retries, timeouts, PingSource schedules such as the orchestrator's run sweep).
   */
  advance(ms: number): Promise<void>;
  /** Publishes any event and waits until nothing moves. */
  publish(event: MeshEvent): Promise<void>;
  /**
   * Requests a task (task.requested, as `POST /tasks` does), waits until nothing moves and
   * resolves with it: finished, or still `dispatched` when a run waits (advance the clock,
   * decide an approval).
   */
  task(capability: string, payload?: Record<string, unknown>, options?: TaskOptions): Promise<TaskRecord>;
  /** A task as stored; rejects when there is none. */
  readTask(taskId: string): Promise<TaskRecord>;
  /** Decides an approval or answers a question (an approval.decided event), then waits until nothing moves. */
  decide(approvalId: string, decision: Decision): Promise<void>;
  /** A request to the mesh's HTTP surface (the gateway's API, the broker ingress); a path or a URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** `fetch` with a JSON body (an object is encoded) and the JSON answer parsed. */
  json<T = Record<string, unknown>>(
    path: string,
    init?: { readonly method?: string; readonly body?: unknown; readonly headers?: Record<string, string> },
  ): Promise<{ readonly status: number; readonly body: T }>;
  stop(): Promise<void>;
}

/**
 * The embedded host with `functions` (and the platform functions they need), on
 * in-memory PGlite, the in-process key-value store and a stepping clock: everything real,
 * time moved only by the test.
 */
export async function createTestMesh(settings: TestMeshSettings): Promise<TestMesh> {
  const env = settings.env ?? {};
  const clock = settings.clock ?? createSteppingClock();
  const events: MeshEvent[] = [];
  const platform =
    settings.platform === false
      ? []
      : [...(settings.gateway === false ? [] : [gateway]), orchestrator, deadLetter];
  const named = new Set(settings.functions.map((definition) => definition.name));
  const functions = [...platform.filter((definition) => !named.has(definition.name)), ...settings.functions];
  const configured = Boolean(env.DATABASE_URL || env.MESH_DATA_DIR);
  const host = await startEmbeddedHost({
    functions,
    environment: env,
    clock,
    ...(configured ? {} : { db: await createPgliteDb() }),
    kv: createMemoryKv({ clock }),
    logger: settings.logger ?? silentLogger,
    ...(settings.outsideEventTypes ? { outsideEventTypes: settings.outsideEventTypes } : {}),
    createBroker(brokerSettings) {
      const broker = (settings.createBroker ?? createEmbeddedBroker)(brokerSettings);
      return {
        ...broker,
        async publish(event) {
          await broker.publish(event);
          events.push(event);
        },
      };
    },
  });
  const settle = () => settleHost(host);
  const publish = async (event: MeshEvent) => {
    await host.publish(event);
    await settle();
  };
  const readOne = async (taskId: string) => {
    const found = await readTask(host.db, taskId);
    if (!found) throw new Error(`no task ${taskId}: request it with mesh.task(capability, payload)`);
    return found;
  };
  const fetchPath = (path: string, init?: RequestInit) =>
    host.fetch(new Request(new URL(path, "http://mesh.test"), init));
  return {
    host,
    db: host.db,
    clock,
    events,
    settle,
    advance: (ms) => clock.advance(ms, settle),
    publish,
    async task(capability, payload = {}, options = {}) {
      const taskId = options.taskId ?? crypto.randomUUID();
      await publish(
        TaskRequested.create({
          source: "/mesh-six/testing",
          id: taskId,
          data: { ...options, capability, payload, taskId },
        }),
      );
      return readOne(taskId);
    },
    readTask: readOne,
    decide: (approvalId, decision) => publish(decisionEvent(approvalId, decision)),
    fetch: async (path, init) => fetchPath(path, init),
    async json(path, init = {}) {
      const { body, ...rest } = init;
      const response = await fetchPath(path, {
        ...rest,
        ...(body === undefined
          ? {}
          : {
              body: typeof body === "string" ? body : JSON.stringify(body),
              headers: { "content-type": "application/json", ...init.headers },
            }),
      });
      return { status: response.status, body: (await jsonOf(response, path)) as never };
    },
    stop: () => host.stop(),
  };
}

async function jsonOf(response: Response, path: string): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(
      `${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
    );
  }
}
