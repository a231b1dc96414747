import { randomUUID } from "node:crypto";
import { GitHubWebhook, type MeshEvent } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { readWebhookPayload } from "@mesh-six/function-webhook-receiver/payload";
import { githubDelivery } from "@mesh-six/function-webhook-receiver/testing/deliveries";
import { githubExample } from "@mesh-six/function-webhook-receiver/testing/github-examples";
import { testSecrets } from "@mesh-six/function-webhook-receiver/testing/receiver-host";
import { encodeBinary } from "@mesh-six/shared/broker/http-binding";
import { defineFunction } from "@mesh-six/shared/function/define";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** What a function subscribed to every GitHub event (a prefix filter on the family) received. */
const received: { event: MeshEvent; payload: string; stored: boolean }[] = [];
const watcher = defineFunction({
  name: "github-watcher",
  description: "Reads the payload of every GitHub event it is given.",
  subscriptions: [{ name: "github", filters: [{ prefix: { type: GitHubWebhook.prefix } }] }],
  async handler(event, ctx) {
    const payload = await readWebhookPayload(ctx.db, event);
    received.push({ event, payload: new TextDecoder().decode(payload.bytes), stored: payload.stored });
  },
});

describe("GitHub webhooks into the whole fleet on the embedded host", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({
      functions: [...fleet, watcher],
      env: { ...testSecrets, RATE_LIMIT_PER_MINUTE: "0" },
    });
  });
  afterAll(() => mesh.stop());

  const deliver = async (request: Request) => {
    const response = await mesh.host.fetch(request);
    await mesh.settle();
    return response.status;
  };

  it("delivers each event once to a function subscribed to the family, which reads the payload as sent", async () => {
    const id = randomUUID();
    const body = JSON.stringify(githubExample("issues", (payload) => payload.action === "opened"));
    const secret = testSecrets.GITHUB_WEBHOOK_SECRET;
    expect(await deliver(githubDelivery("issues", { body, secret, id }))).toBe(202);
    expect(await deliver(githubDelivery("issues", { body, secret, id }))).toBe(200);
    const mine = received.filter((entry) => entry.event.id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      payload: body,
      stored: false,
      event: { type: "dev.meshsix.github.issues" },
    });
  });

  it("hands a large payload over by reference; the subscriber reads the bytes from Postgres", async () => {
    const id = randomUUID();
    const payload = structuredClone(githubExample("pull_request", (each) => each.action === "opened"));
    (payload.pull_request as Record<string, unknown>).body = "Long description. ".repeat(40_000);
    const body = JSON.stringify(payload);
    expect(
      await deliver(githubDelivery("pull_request", { body, secret: testSecrets.GITHUB_WEBHOOK_SECRET, id })),
    ).toBe(202);
    const mine = received.find((entry) => entry.event.id === id)!;
    expect(mine.stored).toBe(true);
    expect(mine.payload).toBe(body);
    expect(mine.event.subject).toBe("pull/2");
  });

  it("does not let an outside sender post a GitHub event to the broker ingress: only the receiver publishes them", async () => {
    const forged = GitHubWebhook.create({
      type: GitHubWebhook.typeOf("push"),
      source: "https://github.com/o/r",
      data: { ref: "refs/heads/main" },
    });
    const { headers, body } = encodeBinary(forged);
    const response = await mesh.host.fetch(
      new Request("http://mesh.test/mesh-six/default", { method: "POST", headers, body: body ?? null }),
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("dev.meshsix.github.push comes only from mesh functions");
  });
});
