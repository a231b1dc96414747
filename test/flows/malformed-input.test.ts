import { fleet } from "@mesh-six/fleet";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { malformedRequests } from "./support/malformed-corpus.ts";

/**
 * Bad input never reaches a 5xx: a broad corpus of malformed requests at the real
 * embedded host's fetch handler (the ingress and every gateway route, the whole fleet on
 * PGlite), each answered 4xx with a reason, nothing stored, the host healthy afterwards.
 */
describe("malformed requests", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: fleet, env: { RATE_LIMIT_PER_MINUTE: "0" } });
  });
  afterAll(() => mesh.stop());

  const call = (path: string, init?: RequestInit) =>
    mesh.host.fetch(new Request(`http://mesh.test${path}`, init));

  it("answers every one 4xx, naming what is wrong, and stores none of them", async () => {
    const corpus = malformedRequests();
    expect(corpus.length).toBeGreaterThan(300);
    const wrong: string[] = [];
    for (const request of corpus) {
      const body = typeof request.body === "function" ? request.body() : request.body;
      const response = await call(request.path, {
        method: request.method,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(body === undefined ? {} : { body, duplex: "half" }),
      } as RequestInit);
      const text = await response.text();
      let error: unknown;
      try {
        error = (JSON.parse(text) as { error?: unknown }).error;
      } catch {
        error = undefined;
      }
      const fine =
        response.status >= 400 &&
        response.status < 500 &&
        typeof error === "string" &&
        error.includes(request.reason);
      if (!fine) wrong.push(`${request.name}: ${response.status} ${text.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    await mesh.settle();
    const { rows } = await mesh.host.db.query<{ events: number; tasks: number; letters: number }>(
      `SELECT (SELECT count(*)::int FROM broker_events) AS events, (SELECT count(*)::int FROM tasks) AS tasks,
              (SELECT count(*)::int FROM dead_letters) AS letters`,
    );
    expect(rows[0]).toEqual({ events: 0, tasks: 0, letters: 0 });
  });

  it("is healthy afterwards: /healthz answers and a task goes through", async () => {
    expect((await call("/healthz")).status).toBe(200);
    const response = await call("/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capability: "general-query", payload: { query: "What is 2+2?" } }),
    });
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    await mesh.settle();
    const task = (await (await call(`/tasks/${taskId}`)).json()) as { status: string };
    expect(task.status).toBe("succeeded");
  });
});
