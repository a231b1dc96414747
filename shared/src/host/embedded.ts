import { join } from "node:path";
import type { MeshEvent } from "@mesh-six/events";
import { migrate } from "@mesh-six/sql";
import { Hono } from "hono";
import { createEmbeddedBroker } from "../broker/embedded-broker.ts";
import { createHttpSubscriber } from "../broker/http-subscriber.ts";
import { createIngress } from "../broker/ingress.ts";
import { triggersFor } from "../broker/triggers.ts";
import type { Broker, Subscriber } from "../broker/types.ts";
import { systemClock } from "../clock.ts";
import type { MeshConfig } from "../config/env.ts";
import { createPgliteDb } from "../db/pglite.ts";
import type { FetchHandler, FunctionDefinition, HttpContext } from "../function/define.ts";
import type { Trigger } from "../function/knative-types.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { createLogger } from "../log/logger.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import { createFunctionRuntime, type FunctionRuntime } from "../runtime/function-runtime.ts";
import { createScheduler } from "../runtime/schedules.ts";

export interface EmbeddedHostSettings {
  readonly functions: readonly FunctionDefinition[];
  readonly config: MeshConfig;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Defaults to PGlite in `<MESH_DATA_DIR>/pg`. */
  readonly db?: Db;
  readonly kv?: Kv;
  /** How often the outbox sweep runs, in ms (default 5 s). */
  readonly sweepEveryMs?: number;
  /** Runs after migrations, before deliveries start (agent registration, …). */
  readonly onStart?: (host: EmbeddedHost) => Promise<void>;
}

/** Every function of the fleet in one process, on PGlite, an in-process KV and the embedded broker. */
export interface EmbeddedHost {
  /** The whole HTTP surface: `/healthz`, the broker ingress and every function's routes. */
  readonly fetch: FetchHandler;
  readonly db: Db;
  readonly kv: Kv;
  readonly broker: Broker;
  readonly config: MeshConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly triggers: readonly Trigger[];
  readonly runtimes: ReadonlyMap<string, FunctionRuntime>;
  readonly functions: readonly FunctionDefinition[];
  /** Stops deliveries (in-flight ones finish), schedules and the sweep, and closes the database. */
  stop(): Promise<void>;
}

export async function startEmbeddedHost(settings: EmbeddedHostSettings): Promise<EmbeddedHost> {
  const { functions, config } = settings;
  const clock = settings.clock ?? systemClock;
  const logger = settings.logger ?? createLogger({ level: config.LOG_LEVEL });
  const db = settings.db ?? (await createPgliteDb({ dataDir: join(config.MESH_DATA_DIR, "pg") }));
  const kv = settings.kv ?? createMemoryKv({ clock });
  await migrate(db);

  const namespace = config.MESH_NAMESPACE;
  const brokerName = config.MESH_BROKER_NAME;
  let broker: Broker | undefined;
  const publish = (event: MeshEvent) => {
    if (!broker) throw new Error("the broker is not running yet");
    return broker.publish(event);
  };

  const runtimes = new Map<string, FunctionRuntime>();
  for (const definition of functions) {
    if (!definition.handler) continue;
    runtimes.set(
      definition.name,
      createFunctionRuntime({ definition, db, kv, logger: logger.child({ function: definition.name }), clock, config, publish }),
    );
  }
  const triggers = functions.flatMap((definition) => triggersFor(definition, { namespace, broker: brokerName }));
  const resolve = (destinationName: string | undefined, uri: string | undefined): Subscriber => {
    if (uri) return createHttpSubscriber({ url: uri });
    const runtime = destinationName ? runtimes.get(destinationName) : undefined;
    if (!runtime) throw new Error(`no function named ${destinationName} in this host to deliver to`);
    return runtime.subscriber;
  };
  broker = createEmbeddedBroker({
    db,
    namespace,
    name: brokerName,
    triggers,
    resolve: (trigger) => resolve(trigger.spec.subscriber.ref?.name, trigger.spec.subscriber.uri),
    clock,
    logger: logger.child({ component: "broker" }),
  });

  const app = new Hono();
  app.get("/healthz", (context) => context.json({ status: "ok" }));
  const httpContext: HttpContext = { db, kv, logger, clock, config, publish };
  for (const definition of functions) {
    if (!definition.http) continue;
    const handler = definition.http.create({ ...httpContext, logger: logger.child({ function: definition.name }) });
    for (const path of definition.http.paths) {
      app.all(path, (context) => handler(context.req.raw));
      app.all(`${path}/*`, (context) => handler(context.req.raw));
    }
  }
  const ingress = createIngress({
    resolveBroker: (ns, name) => (ns === namespace && name === brokerName ? broker : undefined),
    logger: logger.child({ component: "ingress" }),
  });
  app.all("/:namespace/:broker", (context) => ingress(context.req.raw));

  const host: EmbeddedHost = {
    fetch: app.fetch,
    db,
    kv,
    broker,
    config,
    clock,
    logger,
    triggers,
    runtimes,
    functions,
    stop: async () => {
      abort.abort();
      scheduler.stop();
      await broker?.stop();
      await sweeping.catch(() => {});
      await db.close();
      await kv.close();
    },
  };
  await settings.onStart?.(host);

  const scheduler = createScheduler({ definitions: functions, namespace, publish, clock, logger });
  const abort = new AbortController();
  const sweepEveryMs = settings.sweepEveryMs ?? 5_000;
  const sweeping = (async () => {
    while (!abort.signal.aborted) {
      await clock.sleep(sweepEveryMs, abort.signal).catch(() => {});
      if (abort.signal.aborted) break;
      for (const runtime of runtimes.values()) {
        await runtime.sweepOutbox().catch((error) => logger.warn("outbox sweep failed", { error }));
      }
    }
  })();
  await broker.start();
  return host;
}
