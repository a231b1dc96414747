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
import { type EmbeddedHostConfig, embeddedHostConfig } from "../config/host.ts";
import type { PlatformConfig } from "../config/platform.ts";
import { type Environment, presentIn, readConfig } from "../config/read.ts";
import { connectDb } from "../db/connect.ts";
import { readFleetConfig } from "../function/config.ts";
import type { FetchHandler, FunctionDefinition, HttpContext } from "../function/define.ts";
import type { Trigger } from "../function/knative-types.ts";
import { bodyLimitOf, guardRequest, restyleOf } from "../http/guard.ts";
import { connectKv } from "../kv/connect.ts";
import type { Llm } from "../llm/port.ts";
import { createLogger } from "../log/logger.ts";
import type { MemoryService } from "../memory/create.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import { registerAgents } from "../registry/agents.ts";
import { createFunctionRuntime, type FunctionRuntime } from "../runtime/function-runtime.ts";
import { createScheduler, type Scheduler } from "../runtime/schedules.ts";
import { sweepOutbox } from "../runtime/sweep.ts";
import { connectFunctionPorts, type FunctionPorts } from "./function-ports.ts";
import { publicLimit } from "./public-limit.ts";

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
  /**
   * Where the host's variables (`embeddedHostConfig`) and every function's own (its
   * `config`) are read from: `process.env` for npm start. The host refuses to start when
   * any function's are wrong, naming the function and the variable.
   */
  readonly environment: Environment;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Defaults to the configured database (`connectDb`): PGlite in MESH_DATA_DIR when none is set. */
  readonly db?: Db;
  /** Defaults to the configured key-value store (`connectKv`): in-process when none is set. */
  readonly kv?: Kv;
  /**
   * The LLM of every function whose config includes `llmConfig`; by default each gets the
   * one its own settings describe (`createLlm`): the offline model when none is set.
   */
  readonly llm?: Llm;
  /**
   * Long-term memory handed as `ctx.memory` to every function whose config includes
   * `memoryConfig`. By default memory on this host's database from each function's own
   * settings (`connectMemory`); none when the database has no memories table.
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
  readonly broker: Broker;
  /** The host's own variables; each function's are its `ctx.config`. */
  readonly config: EmbeddedHostConfig;
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
  const { functions, environment } = settings;
  const config = readConfig(embeddedHostConfig, environment);
  // every function's own variables, checked before anything is opened
  const ownSettings = readFleetConfig(functions, environment);
  const present = presentIn(environment);
  const variable = (name: string): string | undefined => present[name];
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
  // one after the other: connecting memory may resize the memories table while it is empty
  const ports = new Map<string, FunctionPorts>();
  for (const definition of functions) {
    ports.set(
      definition.name,
      await connectFunctionPorts(definition, ownSettings.get(definition.name) ?? {}, {
        db,
        kv,
        clock,
        logger,
        ...(settings.llm ? { llm: settings.llm } : {}),
        ...(settings.memory ? { memory: settings.memory } : {}),
      }),
    );
  }

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
        ...ports.get(definition.name),
        logger: functionLogger,
        clock,
        config: ownSettings.get(definition.name) ?? {},
        variable,
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
  for (const definition of functions) {
    if (!definition.http) continue;
    const httpContext: HttpContext = {
      db,
      kv,
      logger: logger.child({ function: definition.name }),
      clock,
      config: ownSettings.get(definition.name) ?? {},
      variable,
      publish,
    };
    const handler = limited(definition.http.create(httpContext), definition.http.restyle);
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
    fetch: guardRequest(app.fetch, { maxBodyBytes: bodyLimitOf(functions), restyle: restyleOf(functions) }),
    db,
    kv,
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
export function dispatcherIdentity(config: Pick<PlatformConfig, "MESH_DATA_DIR">): string {
  return `${hostname()}:${absolutePath(config.MESH_DATA_DIR)}`;
}

export type { EmbeddedBroker };
