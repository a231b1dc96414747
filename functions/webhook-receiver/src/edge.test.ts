import { randomUUID } from "node:crypto";
import { webhookPayloadExtension } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import { receiverConfig } from "./config.ts";
import { readWebhookPayload } from "./payload.ts";
import { createWebhookRoutes, inlinePayloadLimit, webhookBodyLimit } from "./route.ts";
import { githubDelivery } from "./testing/deliveries.ts";
import { githubExample } from "./testing/github-examples.ts";
import { answerOf, receiverUnderTest, testSecrets } from "./testing/receiver-host.ts";

const secret = testSecrets.GITHUB_WEBHOOK_SECRET;
const issue = () => structuredClone(githubExample("issues", (payload) => payload.action === "opened"));

describe("the webhook receiver at its edges", () => {
  const { host, deliver, published } = receiverUnderTest("dev.meshsix.github.");

  it("stores a payload over 512 KiB in Postgres and publishes a small event pointing to it, read back byte for byte", async () => {
    const payload = issue();
    (payload.issue as Record<string, unknown>).body = "A long report. ".repeat(60_000);
    const body = JSON.stringify(payload);
    expect(body.length).toBeGreaterThan(inlinePayloadLimit);
    const id = randomUUID();
    const answer = await deliver(githubDelivery("issues", { body, secret, id }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    expect(answer.json).toMatchObject({ event: { payload: "stored" } });
    const event = (await published()).find((each) => each.id === id)!;
    expect(event[webhookPayloadExtension]).toBe("stored");
    expect(event).toMatchObject({ subject: "issues/1", meshaction: "opened" });
    expect((event.data as Uint8Array).byteLength).toBeLessThan(1024);
    const read = await readWebhookPayload(host().db, event);
    expect(read.stored).toBe(true);
    expect(Buffer.from(read.bytes).equals(Buffer.from(body))).toBe(true);
    expect(read.json().action).toBe("opened");
  });

  it("reads an inline payload back from the event itself", async () => {
    const body = JSON.stringify(issue());
    const id = randomUUID();
    await deliver(githubDelivery("issues", { body, secret, id }));
    const event = (await published()).find((each) => each.id === id)!;
    const read = await readWebhookPayload(host().db, event);
    expect(read.stored).toBe(false);
    expect(new TextDecoder().decode(read.bytes)).toBe(body);
  });

  it("stores JSON the broker cannot carry in an event (U+0000 in a string) instead of refusing the delivery", async () => {
    const payload = issue();
    (payload.issue as Record<string, unknown>).title = "nul \u0000 inside";
    const body = JSON.stringify(payload);
    const id = randomUUID();
    const answer = await deliver(githubDelivery("issues", { body, secret, id }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const event = (await published()).find((each) => each.id === id)!;
    expect(event[webhookPayloadExtension]).toBe("stored");
    const reference = JSON.parse(new TextDecoder().decode(event.data as Uint8Array));
    expect(reference.stored.reason).toMatch(/at issue\.title: the text contains \\u0000/);
    expect(new TextDecoder().decode((await readWebhookPayload(host().db, event)).bytes)).toBe(body);
  });

  it(`refuses a body over ${webhookBodyLimit} bytes with 413, read no further than the limit, and publishes nothing`, async () => {
    const before = (await published()).length;
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 4 * webhookBodyLimit) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const signed = githubDelivery("issues", { body: "{}", secret });
    const request = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: stream,
      duplex: "half",
    } as RequestInit);
    const answer = await deliver(request);
    expect(answer.status).toBe(413);
    expect(answer.json.error).toContain(`over the ${webhookBodyLimit}-byte limit`);
    // the stream was cancelled just past the limit, not read to its end
    expect(sent).toBeLessThan(webhookBodyLimit + 4 * chunk.byteLength);
    expect((await published()).length).toBe(before);
  });

  it("takes a body between 1 MiB (the other routes' limit) and its own limit", async () => {
    const payload = issue();
    (payload.issue as Record<string, unknown>).body = "x".repeat(2 * 1024 * 1024);
    const answer = await deliver(githubDelivery("issues", { body: JSON.stringify(payload), secret }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
  });

  it.each([
    [
      "a body that is not JSON",
      { body: "{not json" },
      400,
      /the payload is not JSON.*: invalid JSON at character 1/,
    ],
    ["JSON that is not an object", { body: "[1, 2]" }, 400, /not a JSON object/],
    ["a body that is not UTF-8", { body: new Uint8Array([0x7b, 0xff, 0x7d]) }, 400, /not UTF-8/],
    [
      "a content type it does not take",
      { body: "{}", headers: { "content-type": "text/plain" } },
      415,
      /text\/plain is not taken: set the webhook's content type to application\/json/,
    ],
    [
      "a form without a payload field",
      { body: "{}", headers: { "content-type": "application/x-www-form-urlencoded" } },
      400,
      /the form has no payload field/,
    ],
    ["no X-GitHub-Event", { body: "{}", headers: { "x-github-event": "" } }, 400, /no x-github-event header/],
    [
      "an event name with nothing to keep",
      { body: "{}", headers: { "x-github-event": "---" } },
      400,
      /no letter or digit/,
    ],
    [
      "an event name too long",
      { body: "{}", headers: { "x-github-event": "e".repeat(101) } },
      400,
      /over the limit of 100/,
    ],
    [
      "no X-GitHub-Delivery",
      { body: "{}", headers: { "x-github-delivery": "" } },
      400,
      /no x-github-delivery header/,
    ],
    [
      "a delivery id too long",
      { body: "{}", headers: { "x-github-delivery": "d".repeat(201) } },
      400,
      /x-github-delivery must be 1 to 200 visible ASCII characters/,
    ],
  ] as const)(
    "answers %s with a 4xx naming it, and publishes nothing",
    async (_, options, status, message) => {
      const before = (await published()).length;
      const answer = await deliver(githubDelivery("issues", { secret, ...options }));
      expect(answer.status).toBe(status);
      expect(String(answer.json.error)).toMatch(message);
      expect((await published()).length).toBe(before);
    },
  );

  it("answers other methods with 405 and other paths with 404, naming the routes", async () => {
    const get = await host().fetch(new Request("http://mesh.test/webhooks/github"));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const other = await answerOf(
      await host().fetch(new Request("http://mesh.test/webhooks/gitlab", { method: "POST", body: "{}" })),
    );
    expect(other.status).toBe(404);
    expect(other.json.error).toContain("POST /webhooks/github");
  });

  it("refuses every delivery on a route whose secret is not configured, naming the variable", async () => {
    const routes = createWebhookRoutes({
      db: host().db,
      kv: host().kv,
      logger: host().logger,
      clock: host().clock,
      publish: host().publish,
      config: receiverConfig.parse({ GITEA_WEBHOOK_SECRET: testSecrets.GITEA_WEBHOOK_SECRET }),
      variable: () => undefined,
    });
    const body = JSON.stringify(issue());
    for (const request of [githubDelivery("issues", { body, secret }), githubDelivery("issues", { body })]) {
      const answer = await answerOf(await routes(request));
      expect(answer.status).toBe(404);
      expect(answer.json.error).toBe(
        "GitHub webhooks are not enabled here: set GITHUB_WEBHOOK_SECRET to the webhook's secret (README, Webhooks); unsigned deliveries are never taken",
      );
    }
  });
});
