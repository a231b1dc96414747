import type { Db } from "@mesh-six/shared/ports/db";
import { createTestDb, runOf, testFunction, withMemory } from "@mesh-six/testing";
import { serviceEnv } from "@mesh-six/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { architect } from "./index.ts";

const url = serviceEnv("MESH_TEST_PROMETHEUS_URL");

describe("the architect's service_health against a real Prometheus server", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it("finds the service's scrape targets up (Prometheus scraping itself)", async () => {
    const env = { PROMETHEUS_URL: url };
    const agent = await testFunction(architect, { db, env, ...withMemory(db, env) });
    const task = await agent.task({ query: "Is the monitoring healthy?", service: "prometheus" });
    expect(task.status).toBe("succeeded");
    const step = (await runOf(db, task)).steps.find((each) => each.name === "tool service_health");
    expect(step).toMatchObject({
      status: "succeeded",
      result: { configured: true, healthy: true, targets: [{ instance: new URL(url).host, up: true }] },
    });
  });

  it("a service Prometheus does not scrape is not healthy and says so", async () => {
    const env = { PROMETHEUS_URL: url };
    const agent = await testFunction(architect, { db, env, ...withMemory(db, env) });
    const task = await agent.task({ query: "Is the shop healthy?", service: "shop" });
    const step = (await runOf(db, task)).steps.find((each) => each.name === "tool service_health");
    expect(step?.result).toMatchObject({
      healthy: false,
      targets: [],
      note: "Prometheus scrapes no target for shop",
    });
  });
});
