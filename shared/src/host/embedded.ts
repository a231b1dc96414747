import { hostname } from "node:os";
import { resolve as absolutePath } from "node:path";
import type { MeshEvent } from "@mesh-six/events";
import { type Migration, migrate } from "@mesh-six/sql";
import { Hono } from "hono";
import { requireScope } from "../auth/guard.ts";
import { createEmbeddedBroker, type EmbeddedBroker } from "../broker/embedded-broker.ts";
import { outsideSenderPolicy, outsideTypesOf } from "../broker/event-policy.ts";
import { createHttpSubscriber } from "../broker/http-subscriber.ts";
import { createIngress } from "../broker/ingress.ts";
import { triggersFor } from "../broker/triggers.ts";
import type { Broker, Subscriber, SubscriberResolver } from "../broker/types.ts";
import { systemClock } from "../clock.ts";
import type { MeshConfig } from "../config/env.ts";
import { connectDb } from "../db/connect.ts";
import type { FetchHandler, FunctionDefinition, HttpContext } from "../function/define.ts";
import type { Trigger } from "../function/knative-types.ts";
import { bodyLimitOf, guardRequest } from "../http/guard.ts";
import { connectKv } from "../kv/connect.ts";
import { createLlm } from "../llm/create.ts";
import type { Llm } from "../llm/port.ts";
import { createLogger } from "../log/logger.ts";
import { connectMemory, type MemoryService } from "../memory/create.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import { createRateLimiter } from "../ratelimit/create.ts";
import { withRateLimit } from "../ratelimit/http.ts";
import { registerAgents } from "../registry/agents.ts";
import { createFunctionRuntime, type FunctionRuntime } from "../runtime/function-runtime.ts";
import { createScheduler, type Scheduler } from "../runtime/schedules.ts";
import { sweepOutbox } from "../runtime/sweep.ts";

export interface BrokerFactorySettings {
  readonly db: Db;
  readonly namespace: string;
  readonly name: string;
  readonly triggers: readonly Trigger[];
  readonly resolve: SubscriberResolver;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This host's dispatcher across restarts (`dispatcherIdentity`): claims carry it. */
  readonly dispatcherId: string;
}

export interface EmbeddedHostSettings {
  readonly functions: readonly FunctionDefinition[];
  readonly config: MeshConfig;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Defaults to the configured database (`connectDb`): PGlite in MESH_DATA_DIR when none is set. */
  readonly db?: Db;
  /** Defaults to the configured key-value store (`connectKv`): in-process when none is set. */
  readonly kv?: Kv;
  /** Defaults to the configured LLM (`createLlm`): the offline model when none is set. */
  readonly llm?: Llm;
  /**
   * Long-term memory handed to handlers as `ctx.memory`. Defaults to memory on this host's
   * database (`connectMemory`); none when the database has no memories table.
   */
  readonly memory?: MemoryService;
  /** Defaults to the embedded broker; the kafka host passes its own. */
  readonly createBroker?: (settings: BrokerFactorySettings) => Broker;
  /** How often the outbox sweep runs, in ms (default 5 s). */
  readonly sweepEveryMs?: number;
  /** The migrations applied at start; every one in sql/migrations when omitted. */
  readonly migrations?: readonly Migration[];
  /** Runs after migrations, before deliveries start (agent registration, …). */
  readonly onStart?: (host: EmbeddedHost) => Promise<void>;
  /**
   * The event types the HTTP ingress takes (outside senders); the catalog's `fromOutside`
   * types when omitted. Functions publish every type in-process.
   */
  readonly outsideEventTypes?: readonly string[];
}

/** Every function of the fleet in one process, over one database, key-value store and broker. */
export interface EmbeddedHost {
  /** The whole HTTP surface: `/healthz`, the broker ingress and every function's routes. */
  readonly fetch: FetchHandler;
  readonly db: Db;
  readonly kv: Kv;
  readonly llm: Llm;
  readonly memory: MemoryService | undefined;
  readonly broker: Broker;
  readonly config: MeshConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly triggers: readonly Trigger[];
  readonly runtimes: ReadonlyMap<string, FunctionRuntime>;
  readonly functions: readonly FunctionDefinition[];
  /** Publishes an event to the broker (stored before it resolves). */
  publish(event: MeshEvent): Promise<void>;
  /** Republishes every function's follow-ups left unpublished; resolves with the count. */
  sweep(): Promise<number>;
  /** Stops deliveries (in-flight ones finish), schedules and the sweep, and closes the database. */
  stop(): Promise<void>;
}

export async function startEmbeddedHost(settings: EmbeddedHostSettings): Promise<EmbeddedHost> {
  const { functions, config } = settings;
  const clock = settings.clock ?? systemClock;
  const logger = settings.logger ?? createLogger({ level: config.LOG_LEVEL });
  // the key-value store first: it checks in milliseconds, opening PGlite takes seconds
  const kv = settings.kv ?? (await connectKv(config, { clock }));
  const db =
    settings.db ??
    (await connectDb(config).catch(async (error: unknown) => {
      await kv.close();
      throw error;
    }));
  await migrate(db, settings.migrations);
  const llm = settings.llm ?? createLlm({ config, db, clock, logger: logger.child({ component: "llm" }) });
  const memory =
    settings.memory ??
    (await connectMemory({ db, config, llm, clock, logger: logger.child({ component: "memory" }) }));

  const namespace = config.MESH_NAMESPACE;
  const brokerName = config.MESH_BROKER_NAME;
  let broker: Broker | undefined;
  const publish = (event: MeshEvent) => {
    if (!broker) return Promise.reject(new Error("the broker is not running yet"));
    return broker.publish(event);
  };

  const runtimes = new Map<string, FunctionRuntime>();
  for (const definition of functions) {
    if (!definition.handler) continue;
    const functionLogger = logger.child({ function: definition.name });
    runtimes.set(
      definition.name,
      createFunctionRuntime({
        definition,
        db,
        kv,
        llm,
        ...(memory ? { memory } : {}),
        logger: functionLogger,
        clock,
        config,
        publish,
      }),
    );
  }
  const triggers = functions.flatMap((definition) =>
    triggersFor(definition, { namespace, broker: brokerName }),
  );
  const resolve: SubscriberResolver = (trigger) => {
    const { ref, uri } = trigger.spec.subscriber;
    if (uri) return createHttpSubscriber({ url: uri });
    const runtime = ref ? runtimes.get(ref.name) : undefined;
    if (!runtime)
      throw new Error(`Trigger ${trigger.metadata.name}: no function named ${ref?.name} in this host`);
    return runtime.subscriber satisfies Subscriber;
  };
  const brokerSettings: BrokerFactorySettings = {
    db,
    namespace,
    name: brokerName,
    triggers,
    resolve,
    clock,
    logger: logger.child({ component: "broker" }),
    dispatcherId: dispatcherIdentity(config),
  };
  broker = settings.createBroker
    ? settings.createBroker(brokerSettings)
    : createEmbeddedBroker(brokerSettings);
  const running: Broker = broker;

  const app = new Hono();
  app.get("/healthz", (context) => context.json({ status: "ok" }));
  const limited = publicLimit(kv, config, clock, logger);
  const httpContext: HttpContext = { db, kv, logger, clock, config, publish };
  for (const definition of functions) {
    if (!definition.http) continue;
    const handler = limited(
      definition.http.create({
        ...httpContext,
        logger: logger.child({ function: definition.name }),
      }),
    );
    for (const path of definition.http.paths) {
      app.all(path, (context) => handler(context.req.raw));
      app.all(`${path}/*`, (context) => handler(context.req.raw));
    }
  }
  const ingress = limited(
    requireScope(
      createIngress({
        resolveBroker: (ns, name) => (ns === namespace && name === brokerName ? running : undefined),
        logger: logger.child({ component: "ingress" }),
        policy: outsideSenderPolicy(settings.outsideEventTypes ?? outsideTypesOf(functions)),
      }),
      config.MESH_API_KEYS,
      "write",
      "publishing to the broker ingress",
    ),
  );
  app.all("/:namespace/:broker", (context) => ingress(context.req.raw));
  app.notFound((context) =>
    context.json(
      {
        error: `nothing at ${context.req.method} ${context.req.path}; events go to POST /${namespace}/${brokerName}`,
      },
      404,
    ),
  );

  // every function's outbox: the handlers' follow-ups and what HTTP routes committed
  const sweepers = functions.map(
    (definition) =>
      runtimes.get(definition.name)?.sweepOutbox ??
      (() =>
        sweepOutbox({
          db,
          publish,
          now: () => clock.now(),
          logger: logger.child({ function: definition.name }),
          functionName: definition.name,
        })),
  );
  const sweep = async () => {
    let count = 0;
    for (const sweepOne of sweepers) {
      count += await sweepOne().catch((error: unknown) => {
        logger.warn("outbox sweep failed", { error });
        return 0;
      });
    }
    return count;
  };
  const abort = new AbortController();
  let scheduler: Scheduler | undefined;
  let sweeping: Promise<void> = Promise.resolve();

  const host: EmbeddedHost = {
    // every request passes the edge checks first: path and query text, the body limit
    fetch: guardRequest(app.fetch, { maxBodyBytes: bodyLimitOf(functions) }),
    db,
    kv,
    llm,
    memory,
    broker: running,
    config,
    clock,
    logger,
    triggers,
    runtimes,
    functions,
    publish,
    sweep,
    async stop() {
      abort.abort();
      await scheduler?.stop();
      await running.stop();
      await sweeping;
      await kv.close();
      await db.close();
    },
  };
  await registerAgents(db, functions, { now: clock.now() });
  await settings.onStart?.(host);
  await running.start();
  scheduler = createScheduler({
    definitions: functions,
    namespace,
    broker: brokerName,
    publish,
    clock,
    logger,
  });
  const sweepEveryMs = settings.sweepEveryMs ?? 5_000;
  sweeping = (async () => {
    while (!abort.signal.aborted) {
      const slept = await clock.sleep(sweepEveryMs, abort.signal).then(
        () => true,
        () => false,
      );
      if (slept) await sweep();
    }
  })();
  return host;
}

/**
 * Who this host's dispatcher is across restarts: the machine and the data folder. Two
 * hosts sharing a database have different data folders (PGlite requires it anyway), and a
 * host restarted on the same folder is the same dispatcher, so it takes back at once the
 * deliveries its crashed run had claimed.
 */
export function dispatcherIdentity(config: MeshConfig): string {
  return `${hostname()}:${absolutePath(config.MESH_DATA_DIR)}`;
}

/** Rate-limits a public handler per client (RATE_LIMIT_PER_MINUTE; 0 leaves it open). */
export function publicLimit(kv: Kv, config: MeshConfig, clock: Clock, logger: Logger) {
  if (config.RATE_LIMIT_PER_MINUTE === 0) return (handler: FetchHandler) => handler;
  const limiter = createRateLimiter(kv, {
    limit: config.RATE_LIMIT_PER_MINUTE,
    windowMs: 60_000,
    prefix: "public",
    clock,
  });
  const onLimiterError = (error: unknown) =>
    logger.warn("rate limiter unavailable; letting the request through", { error });
  const trustedProxies = config.TRUSTED_PROXIES;
  return (handler: FetchHandler) =>
    withRateLimit(handler, limiter, {
      now: () => clock.now(),
      onLimiterError,
      ...(trustedProxies ? { trustedProxies } : {}),
    });
}

export type { EmbeddedBroker };
