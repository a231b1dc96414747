import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { defineFunction } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { rememberClientAddress } from "@mesh-six/shared/ratelimit/http";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
const hosts: EmbeddedHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop().catch(() => {});
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mesh-host-"));
  dirs.push(dir);
  return dir;
}

async function start(
  dir: string,
  functions = fleet,
  env: Record<string, string> = {},
): Promise<EmbeddedHost> {
  const environment = { MESH_DATA_DIR: dir, LOG_LEVEL: "error", ...env };
  const host = await startEmbeddedHost({ functions, environment, logger: silentLogger });
  hosts.push(host);
  return host;
}

async function post(host: EmbeddedHost, path: string, body: unknown): Promise<Response> {
  return await host.fetch(
    new Request(`http://mesh.test${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

async function get(
  host: EmbeddedHost,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await host.fetch(new Request(`http://mesh.test${path}`));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the embedded host", () => {
  it("answers a task sent as a CloudEvent to the ingress, exactly as kn event send would", async () => {
    const host = await start(dataDir());
    const response = await host.fetch(
      new Request("http://mesh.test/mesh-six/default", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "ce-specversion": "1.0",
          "ce-id": "kn-1",
          "ce-source": "kn-event/v1.19.0",
          "ce-type": "dev.meshsix.task.requested",
        },
        body: JSON.stringify({ capability: "general-query", payload: { query: "What is 2+2?" } }),
      }),
    );
    expect(response.status).toBe(202);
    const task = await get(host, "/tasks/kn-1?wait=10");
    expect(task.body).toMatchObject({ status: "succeeded", result: { offline: true } });
    expect(String((task.body.result as { answer: string }).answer)).toContain("4");
  });

  it("keeps tasks, agents and the event log across a restart on the same data directory", async () => {
    const dir = dataDir();
    const first = await start(dir);
    const accepted = await post(first, "/tasks", {
      capability: "general-query",
      payload: { query: "What is 3+4?" },
    });
    expect(accepted.status).toBe(202);
    const { taskId } = (await accepted.json()) as { taskId: string };
    expect((await get(first, `/tasks/${taskId}?wait=10`)).body.status).toBe("succeeded");
    await first.stop();
    hosts.splice(hosts.indexOf(first), 1);

    const second = await start(dir);
    const task = await get(second, `/tasks/${taskId}`);
    expect(task.body).toMatchObject({ id: taskId, status: "succeeded" });
    const events = await get(second, `/events?type=dev.meshsix.task.finished`);
    expect(events.body.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ subject: taskId })]),
    );
  });

  it("finishes in-flight deliveries on stop and delivers what was still pending after the next start", async () => {
    const Work = defineEvent("dev.meshsix.test.work.requested", {
      description: "test work",
      schema: z.object({ n: z.number() }),
    });
    const handled: number[] = [];
    let entered = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = defineFunction({
      name: "slow-worker",
      description: "blocks on the first event until released",
      subscriptions: [{ name: "work", attributes: { type: Work.type }, order: "ordered" }],
      async handler(event) {
        const parsed = Work.parse(event);
        if (!parsed.ok) return;
        if (parsed.data.n === 1) {
          entered = true;
          await gate;
        }
        handled.push(parsed.data.n);
      },
    });
    const dir = dataDir();
    const host = await start(dir, [worker]);
    for (const n of [1, 2, 3]) await host.publish(Work.create({ source: "/test", id: `w${n}`, data: { n } }));
    await until(() => entered);
    const stopping = host.stop();
    hosts.splice(hosts.indexOf(host), 1);
    release();
    await stopping;
    expect(handled).toEqual([1]);

    const restarted = await start(dir, [worker]);
    await until(() => handled.length === 3);
    expect(handled).toEqual([1, 2, 3]);
    await restarted.stop();
    hosts.splice(hosts.indexOf(restarted), 1);
  });

  it("rate-limits the ingress and the gateway per client, but not the health check", async () => {
    const host = await start(dataDir(), fleet, { RATE_LIMIT_PER_MINUTE: "2" });
    const send = (client: string) => {
      const request = new Request("http://mesh.test/tasks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ capability: "general-query", payload: { query: "What is 1+1?" } }),
      });
      // the peer address, as the server adapter records it (X-Forwarded-For counts only from TRUSTED_PROXIES)
      rememberClientAddress(request, client);
      return host.fetch(request);
    };
    expect((await send("198.51.100.1")).status).toBe(202);
    expect((await send("198.51.100.1")).status).toBe(202);
    const refused = await send("198.51.100.1");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect((await send("198.51.100.2")).status).toBe(202);
    expect((await host.fetch(new Request("http://mesh.test/healthz"))).status).toBe(200);
  });

  it("answers unknown paths with where events go", async () => {
    const host = await start(dataDir());
    const response = await get(host, "/nowhere/at/all");
    expect(response.status).toBe(404);
    expect(String(response.body.error)).toContain("POST /mesh-six/default");
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
