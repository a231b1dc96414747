import { randomUUID } from "node:crypto";
import { GiteaWebhook, GitHubWebhook, type MeshEvent } from "@mesh-six/events";
import { webhookReceiver } from "@mesh-six/function-webhook-receiver";
import { readWebhookPayload } from "@mesh-six/function-webhook-receiver/payload";
import { giteaDelivery, githubDelivery } from "@mesh-six/function-webhook-receiver/testing/deliveries";
import { giteaIssueOpened } from "@mesh-six/function-webhook-receiver/testing/gitea-payloads";
import { githubExample } from "@mesh-six/function-webhook-receiver/testing/github-examples";
import { testSecrets } from "@mesh-six/function-webhook-receiver/testing/receiver-host";
import { fromStored } from "@mesh-six/shared/broker/event-json";
import { defineFunction } from "@mesh-six/shared/function/define";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KnativeMesh, startKnativeMesh } from "./support/knative-mesh.ts";

/** Every GitHub and Gitea event delivered to it, with the payload it read. */
const received: { event: MeshEvent; payload: string }[] = [];
const watcher = defineFunction({
  name: "forge-watcher",
  description: "Reads the payload of every GitHub and Gitea event.",
  subscriptions: [
    { name: "github", filters: [{ prefix: { type: GitHubWebhook.prefix } }] },
    { name: "gitea", filters: [{ prefix: { type: GiteaWebhook.prefix } }] },
  ],
  async handler(event, ctx) {
    const payload = await readWebhookPayload(ctx.db, event);
    received.push({ event, payload: new TextDecoder().decode(payload.bytes) });
  },
});

/**
 * The receiver as its Knative Service runs it: its own HTTP server (createKnativeHost),
 * publishing to K_SINK signed with the mesh's key, the watcher another Service that takes
 * only signed mesh events, the broker reached over HTTP.
 */
describe("webhooks on the Knative host", () => {
  let mesh: KnativeMesh;
  beforeAll(async () => {
    mesh = await startKnativeMesh([
      { definition: webhookReceiver, env: testSecrets },
      { definition: watcher },
    ]);
  });
  afterAll(() => mesh.stop());

  const deliver = async (request: Request) => {
    const response = await fetch(request);
    await mesh.settle();
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  /** A signed GitHub issues delivery to the receiver's Service. */
  const deliverIssue = (body: string, id: string) =>
    deliver(
      githubDelivery("issues", {
        body,
        secret: testSecrets.GITHUB_WEBHOOK_SECRET,
        id,
        baseUrl: mesh.url("webhook-receiver"),
      }),
    );
  const brokerEvent = async (id: string) => {
    const { rows } = await mesh.db.query<{ event: unknown; data: unknown }>(
      "SELECT event, data FROM broker_events WHERE event->>'id' = $1",
      [id],
    );
    return rows.map((row) => fromStored(row.event, row.data));
  };

  it("publishes a signed GitHub delivery through K_SINK, signed, and the watcher's Service takes it", async () => {
    const id = randomUUID();
    const body = JSON.stringify(githubExample("issues", (payload) => payload.action === "opened"));
    const answer = await deliverIssue(body, id);
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const [event] = await brokerEvent(id);
    expect(event).toMatchObject({
      type: "dev.meshsix.github.issues",
      source: "https://github.com/Codertocat/Hello-World",
      subject: "issues/1",
      meshaction: "opened",
    });
    // signed by the receiver with MESH_EVENT_KEY: the watcher refuses unsigned mesh events
    expect(event?.meshsignature).toMatch(/^v1=[\w-]{43}$/);
    expect(new TextDecoder().decode(event?.data as Uint8Array)).toBe(body);
    expect(received.filter((entry) => entry.event.id === id).map((entry) => entry.payload)).toEqual([body]);
    expect(mesh.requestsTo("forge-watcher")).toContain("POST /");
  });

  it("publishes a Gitea redelivery once, and refuses an unsigned one with 401", async () => {
    const id = randomUUID();
    const baseUrl = mesh.url("webhook-receiver");
    const secret = testSecrets.GITEA_WEBHOOK_SECRET;
    expect((await deliver(giteaDelivery(giteaIssueOpened, { secret, id, baseUrl }))).status).toBe(202);
    expect((await deliver(giteaDelivery(giteaIssueOpened, { secret, id, baseUrl }))).status).toBe(200);
    expect(await brokerEvent(id)).toHaveLength(1);
    expect(received.filter((entry) => entry.event.id === id)).toHaveLength(1);
    const unsigned = await deliver(giteaDelivery(giteaIssueOpened, { id: randomUUID(), baseUrl }));
    expect(unsigned.status).toBe(401);
  });

  it("takes a body over 1 MiB on its routes, and stores the payload for the watcher to read", async () => {
    const id = randomUUID();
    const payload = structuredClone(githubExample("issues", (each) => each.action === "opened"));
    (payload.issue as Record<string, unknown>).body = "y".repeat(3 * 1024 * 1024);
    const body = JSON.stringify(payload);
    const answer = await deliverIssue(body, id);
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    expect(received.find((entry) => entry.event.id === id)?.payload).toBe(body);
  });
});
