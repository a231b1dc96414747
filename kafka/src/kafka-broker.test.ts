import { createServer } from "node:net";
import { createIngress } from "@mesh-six/shared/broker/ingress";
import { systemClock } from "@mesh-six/shared/clock";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import type { Trigger } from "@mesh-six/shared/function/knative-types";
import { silentLogger } from "@mesh-six/shared/log/logger";
import type { Db } from "@mesh-six/shared/ports/db";
import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaBroker, type KafkaBrokerSettings } from "./kafka-broker.ts";

let db: Db;
beforeAll(async () => {
  db = await createPgliteDb();
  await migrate(db);
});
afterAll(() => db.close());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

function settings(overrides: Partial<KafkaBrokerSettings> = {}): KafkaBrokerSettings {
  return {
    brokers: ["127.0.0.1:9"],
    namespace: "mesh-six",
    name: "default",
    triggers: [],
    resolve: () => async () => ({ status: 200 }),
    clock: systemClock,
    logger: silentLogger,
    db,
    ...overrides,
  };
}

function trigger(name: string, spec: Partial<Trigger["spec"]> = {}): Trigger {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name, namespace: "mesh-six" },
    spec: { broker: "default", subscriber: { uri: "http://agent.test/" }, ...spec },
  };
}

const event = { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" };

describe("createKafkaBroker", () => {
  it("uses the Knative Kafka broker's topic name", () => {
    expect(createKafkaBroker(settings()).topic).toBe("knative-broker-mesh-six-default");
    expect(createKafkaBroker(settings({ topic: "external" })).topic).toBe("external");
  });

  it("refuses invalid Triggers at creation, listing every problem", () => {
    const create = () =>
      createKafkaBroker(
        settings({
          triggers: [
            trigger("bad", { filters: [{ exact: { Type: "x" } }], delivery: { retry: -1 } }),
            trigger("elsewhere", { broker: "other" }),
          ],
        }),
      );
    expect(create).toThrow(/Trigger bad: spec\.filters\[0\]\.exact\.Type: invalid attribute name/);
    expect(create).toThrow(/Trigger bad: spec\.delivery\.retry: -1 must be a whole number of retries/);
    expect(create).toThrow(/Trigger elsewhere: spec\.broker: other is not this broker/);
  });

  it("answers 503 when Kafka cannot store the event, saying why", async () => {
    const port = await closedPort();
    const broker = createKafkaBroker(
      settings({
        brokers: [`127.0.0.1:${port}`],
        client: { connectionTimeout: 200, retry: { retries: 0 } },
      }),
    );
    const ingress = createIngress({ resolveBroker: () => broker, logger: silentLogger });
    const response = await ingress(
      new Request("http://broker.test/mesh-six/default", { method: "POST", headers: event }),
    );
    expect(response.status).toBe(503);
    const { error } = (await response.json()) as { error: string };
    expect(error).toContain(`cannot reach Kafka at 127.0.0.1:${port}`);
    expect(response.headers.get("retry-after")).toBe("1");
  });

  it("refuses an event that breaks the CloudEvents spec before reaching Kafka", async () => {
    const broker = createKafkaBroker(settings());
    await expect(broker.publish({ specversion: "1.0", id: "", source: "/s", type: "t" })).rejects.toThrow(
      "invalid CloudEvent: id is missing",
    );
    await expect(
      broker.publish({ specversion: "1.0", id: "1", source: "/s", type: "t", data: { text: "a\u0000b" } }),
    ).rejects.toThrow("contains \\u0000 (NUL), which cannot be stored");
  });
});
