import type { MeshEvent } from "@mesh-six/events";
import { agentRegistrations } from "@mesh-six/knative/bundle/entry";
import { createEmbeddedBroker, type EmbeddedBroker } from "@mesh-six/shared/broker/embedded-broker";
import { encodeBinary } from "@mesh-six/shared/broker/http-binding";
import { createHttpSubscriber } from "@mesh-six/shared/broker/http-subscriber";
import { createIngress } from "@mesh-six/shared/broker/ingress";
import { createSteppingClock, type SteppingClock } from "@mesh-six/shared/broker/stepping-clock";
import { triggersFor } from "@mesh-six/shared/broker/triggers";
import type { SubscriberResolver } from "@mesh-six/shared/broker/types";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { readFunctionConfig } from "@mesh-six/shared/function/config";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { connectFunctionPorts } from "@mesh-six/shared/host/function-ports";
import { createKnativeHost } from "@mesh-six/shared/host/knative";
import { createSinkPublisher } from "@mesh-six/shared/host/knative-sink";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { acceptedEntry, recordMeshEvent } from "@mesh-six/shared/log/event-log";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { migrate } from "@mesh-six/sql";
import { settleBroker } from "@mesh-six/testing";

const namespace = "mesh-six";
const brokerName = "default";
// every function signs what it sends and checks what it receives with the mesh's key
const eventKey = "test-mesh-event-key-0123456789abcdef";

/** One function as its Knative Service runs it, with the environment its Service gives it. */
export interface KnativeFunction {
  readonly definition: FunctionDefinition;
  readonly env?: Readonly<Record<string, string>>;
}

export interface KnativeMesh {
  readonly db: Db;
  readonly clock: SteppingClock;
  /** The function's own HTTP address (its Knative Service). */
  url(name: string): string;
  /** Every request the function's service received (`METHOD /path`), deliveries included. */
  requestsTo(name: string): readonly string[];
  /** POSTs the event to the broker ingress in binary mode (as `kn event send`), then settles. */
  send(event: MeshEvent): Promise<void>;
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Functions on the Knative host, each a separate HTTP service (createKnativeHost: CloudEvents
 * POSTed to it, follow-ups POSTed to its K_SINK before it answers, its own configuration),
 * behind a broker reached only over HTTP: an ingress (what K_SINK points at) and a
 * dispatcher delivering each Trigger's events with binary-mode POSTs, as the Knative Kafka
 * broker does. Agents are registered as the migration Job registers them (its JSON). One
 * PGlite plays the cluster's Postgres, one in-process store Upstash; time is a stepping clock.
 */
export async function startKnativeMesh(functions: readonly KnativeFunction[]): Promise<KnativeMesh> {
  const clock = createSteppingClock();
  const db = await createPgliteDb();
  await migrate(db);
  const kv = createMemoryKv({ clock });
  const definitions = functions.map((entry) => entry.definition);
  // what the migration Job's bundle inlines and writes: plain JSON, no function code
  await registerAgents(db, JSON.parse(JSON.stringify(agentRegistrations(definitions))), { now: clock.now() });

  let broker: EmbeddedBroker | undefined;
  const ingress = createIngress({
    resolveBroker: (ns, name) => (ns === namespace && name === brokerName ? broker : undefined),
    logger: silentLogger,
  });
  const servers: RunningServer[] = [];
  const ingressServer = await serveHost({ fetch: ingress }, 0, "127.0.0.1");
  servers.push(ingressServer);
  const sink = `http://127.0.0.1:${ingressServer.port}/${namespace}/${brokerName}`;

  const urls = new Map<string, string>();
  const requests = new Map<string, string[]>();
  for (const { definition, env } of functions) {
    const config = readFunctionConfig(definition, { ...env, MESH_BROKER: "knative" });
    // the LLM and memory ports, as the deployed function's entry builds them (agent-services.ts)
    const ports = await connectFunctionPorts(definition, config, { db, clock, logger: silentLogger });
    const host = createKnativeHost({
      definition,
      db,
      kv,
      logger: silentLogger,
      clock,
      config,
      ...ports,
      variable: (name) => env?.[name],
      eventKey,
      // as knative/src/serve/start.ts: what the mesh published is the event log
      publish: createSinkPublisher({
        sink,
        signingKey: eventKey,
        accepted: (event) => recordMeshEvent(db, acceptedEntry(event)),
      }),
    });
    const seen: string[] = [];
    requests.set(definition.name, seen);
    const server = await serveHost(
      {
        fetch: (request) => {
          seen.push(`${request.method} ${new URL(request.url).pathname}`);
          return host.fetch(request);
        },
      },
      0,
      "127.0.0.1",
    );
    servers.push(server);
    urls.set(definition.name, `http://127.0.0.1:${server.port}`);
  }

  const triggers = definitions.flatMap((definition) =>
    triggersFor(definition, { namespace, broker: brokerName }),
  );
  const resolve: SubscriberResolver = (trigger) => {
    const name = trigger.spec.subscriber.ref?.name;
    const url = name ? urls.get(name) : trigger.spec.subscriber.uri;
    if (!url) throw new Error(`Trigger ${trigger.metadata.name}: no service ${name} in this test mesh`);
    return createHttpSubscriber({ url: `${url}/`, clock });
  };
  broker = createEmbeddedBroker({
    db,
    namespace,
    name: brokerName,
    triggers,
    resolve,
    clock,
    logger: silentLogger,
  });
  await broker.start();
  const running = broker;
  const settle = () => settleBroker(running, db, clock);

  return {
    db,
    clock,
    url(name) {
      const url = urls.get(name);
      if (!url) throw new Error(`no function ${name} in this test mesh`);
      return url;
    },
    requestsTo: (name) => requests.get(name) ?? [],
    async send(event) {
      const { headers, body } = encodeBinary(event);
      const response = await fetch(sink, {
        method: "POST",
        headers,
        ...(body === undefined ? {} : { body }),
      });
      if (response.status !== 202) {
        throw new Error(`the ingress answered ${response.status} to ${event.id}: ${await response.text()}`);
      }
      await settle();
    },
    settle,
    advance: (ms) => clock.advance(ms, settle),
    async stop() {
      await running.stop();
      for (const server of servers) await server.close();
      await kv.close();
      await db.close();
    },
  };
}
