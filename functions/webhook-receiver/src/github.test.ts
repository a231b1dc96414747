import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { githubDelivery } from "./testing/deliveries.ts";
import { githubExample } from "./testing/github-examples.ts";
import { receiverUnderTest, testSecrets } from "./testing/receiver-host.ts";

const secret = testSecrets.GITHUB_WEBHOOK_SECRET;
const bytes = (text: string) => new TextEncoder().encode(text);

describe("GitHub deliveries (recorded payloads from @octokit/webhooks-examples), signed, on the embedded host", () => {
  const { host, deliver, published } = receiverUnderTest("dev.meshsix.github.");
  const recorded = async () =>
    (await host().db.query<{ count: number }>("SELECT count(*)::int AS count FROM webhook_deliveries"))
      .rows[0]!.count;

  it.each([
    {
      event: "issues",
      payload: githubExample("issues", (payload) => payload.action === "opened"),
      type: "dev.meshsix.github.issues",
      source: "https://github.com/Codertocat/Hello-World",
      subject: "issues/1",
      action: "opened",
    },
    {
      event: "pull_request",
      payload: githubExample("pull_request", (payload) => payload.action === "opened"),
      type: "dev.meshsix.github.pull_request",
      source: "https://github.com/Codertocat/Hello-World",
      subject: "pull/2",
      action: "opened",
    },
    {
      // an issues event about a pull request (it has issue.pull_request)
      event: "issues",
      payload: githubExample("issues", (payload) => payload.action === "milestoned"),
      type: "dev.meshsix.github.issues",
      source: "https://github.com/Codertocat/Hello-World",
      subject: "pull/2",
      action: "milestoned",
    },
    {
      event: "push",
      payload: githubExample("push", (payload) => payload.ref === "refs/heads/master"),
      type: "dev.meshsix.github.push",
      source: "https://github.com/Codertocat/Hello-World",
      subject: "refs/heads/master",
      action: undefined,
    },
    {
      // an organization's project: no repository, so the organization is the source
      event: "projects_v2_item",
      payload: githubExample("projects_v2_item", (payload) => payload.action === "edited"),
      type: "dev.meshsix.github.projects_v2_item",
      source: "/github/orgs/Octocoders",
      subject: "PVTI_lADOAWcTxs07G84AVqWu",
      action: "edited",
    },
    {
      // an app's installation: neither repository nor organization
      event: "installation",
      payload: githubExample("installation", (payload) => payload.action === "deleted"),
      type: "dev.meshsix.github.installation",
      source: `/github/installations/${(githubExample("installation", (payload) => payload.action === "deleted").installation as { id: number }).id}`,
      subject: undefined,
      action: "deleted",
    },
  ])("publishes $event ($action) as $type, source $source, subject $subject", async (expected) => {
    const id = randomUUID();
    const body = JSON.stringify(expected.payload);
    const answer = await deliver(githubDelivery(expected.event, { body, secret, id }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    expect(answer.json).toMatchObject({
      accepted: true,
      event: { id, type: expected.type, payload: "inline" },
    });
    const event = (await published()).find((each) => each.id === id)!;
    expect(event).toMatchObject({
      specversion: "1.0",
      id,
      type: expected.type,
      source: expected.source,
      datacontenttype: "application/json",
      meshhook: "109948940",
    });
    expect(event.subject).toBe(expected.subject);
    expect(event.meshaction).toBe(expected.action);
    expect(event.meshpayload).toBeUndefined();
    expect(Buffer.from(event.data as Uint8Array).equals(Buffer.from(body))).toBe(true);
  });

  it("keeps the payload's bytes exactly: whitespace, escapes, key order and big numbers as sent", async () => {
    const payload = githubExample("issues", (each) => each.action === "opened");
    const body = JSON.stringify(payload, null, "\t")
      .replace(
        '"action": "opened"',
        '"action": "opened", "big": 12345678901234567890.50, "accent": "\\u00e9"',
      )
      .replace(/\n/g, "\r\n");
    const id = randomUUID();
    expect((await deliver(githubDelivery("issues", { body, secret, id }))).status).toBe(202);
    const event = (await published()).find((each) => each.id === id)!;
    expect(new TextDecoder().decode(event.data as Uint8Array)).toBe(body);
  });

  it("takes the form-encoded content type: publishes the JSON of its payload field, byte for byte", async () => {
    const payload = githubExample("issues", (each) => each.action === "opened");
    const body = JSON.stringify(payload);
    const id = randomUUID();
    const answer = await deliver(githubDelivery("issues", { body, secret, id, contentType: "form" }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const event = (await published()).find((each) => each.id === id)!;
    expect(event.datacontenttype).toBe("application/json");
    expect(new TextDecoder().decode(event.data as Uint8Array)).toBe(body);
  });

  it("refuses a wrong signature with 401 and publishes nothing", async () => {
    const before = { events: (await published()).length, rows: await recorded() };
    const body = JSON.stringify(githubExample("issues"));
    const wrong = await deliver(githubDelivery("issues", { body, secret: "not-the-secret-at-all" }));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe(
      "x-hub-signature-256 does not match the body: the webhook's secret in GitHub is not the value of GITHUB_WEBHOOK_SECRET, or the body was changed on the way",
    );
    // signed, then changed on the way
    const signed = githubDelivery("issues", { body, secret });
    const changed = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: body.replace("Codertocat", "Codertocats"),
    });
    expect((await deliver(changed)).status).toBe(401);
    const malformed = await deliver(
      githubDelivery("issues", { body, secret, headers: { "x-hub-signature-256": "sha256=zz" } }),
    );
    expect(malformed.status).toBe(401);
    expect(malformed.json.error).toBe(
      "x-hub-signature-256 is not sha256=<64 hex digits> (HMAC-SHA256 of the body)",
    );
    // the legacy SHA-1 header alone is not taken
    const sha1Only = await deliver(
      githubDelivery("issues", { body, secret, headers: { "x-hub-signature-256": "" } }),
    );
    expect(sha1Only.status).toBe(401);
    expect({ events: (await published()).length, rows: await recorded() }).toEqual(before);
  });

  it("refuses a delivery without a signature with 401 naming the header and the variable", async () => {
    const before = (await published()).length;
    const unsigned = await deliver(
      githubDelivery("issues", { body: JSON.stringify(githubExample("issues")) }),
    );
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.error).toBe(
      "the delivery carries no x-hub-signature-256 header, so it is not signed: give the webhook a secret in GitHub, the value of GITHUB_WEBHOOK_SECRET",
    );
    expect((await published()).length).toBe(before);
  });

  it("publishes a redelivery (the same X-GitHub-Delivery) once: the second answer is 200 and nothing new is published", async () => {
    const id = randomUUID();
    const body = JSON.stringify(githubExample("pull_request", (payload) => payload.action === "closed"));
    const first = await deliver(githubDelivery("pull_request", { body, secret, id }));
    expect(first.status).toBe(202);
    const after = await published();
    const again = await deliver(githubDelivery("pull_request", { body, secret, id }));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      duplicate: true,
      event: { id, type: "dev.meshsix.github.pull_request" },
    });
    // and two at once
    const twice = await Promise.all([
      deliver(githubDelivery("pull_request", { body, secret, id })),
      deliver(githubDelivery("pull_request", { body, secret, id })),
    ]);
    expect(twice.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await published()).toHaveLength(after.length);
    expect((await published()).filter((event) => event.id === id)).toHaveLength(1);
  });

  it("answers a ping (its zen and hook id) and publishes nothing", async () => {
    const before = { events: (await published()).length, rows: await recorded() };
    const payload = githubExample("ping", (each) => each.repository !== undefined);
    const answer = await deliver(githubDelivery("ping", { body: JSON.stringify(payload), secret }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ping: true, zen: payload.zen, hookId: payload.hook_id });
    expect({ events: (await published()).length, rows: await recorded() }).toEqual(before);
    // a ping is checked too
    expect((await deliver(githubDelivery("ping", { body: JSON.stringify(payload) }))).status).toBe(401);
  });

  it("publishes an event GitHub adds tomorrow as it is, its name written in type characters", async () => {
    const payload = { action: "hatched", repository: { full_name: "Codertocat/Hello-World" } };
    const id = randomUUID();
    const answer = await deliver(
      githubDelivery("Security-Advisory.Hatched", { body: JSON.stringify(payload), secret, id }),
    );
    expect(answer.status).toBe(202);
    const event = (await published()).find((each) => each.id === id)!;
    expect(event.type).toBe("dev.meshsix.github.security_advisory_hatched");
    expect(event.source).toBe("/github/Codertocat/Hello-World");
    expect(event.meshaction).toBe("hatched");
  });

  it("records each delivery once in webhook_deliveries, with its length and SHA-256", async () => {
    const id = randomUUID();
    const body = JSON.stringify(githubExample("star"));
    await deliver(githubDelivery("star", { body, secret, id }));
    const { rows } = await host().db.query<Record<string, unknown>>(
      "SELECT provider, event_name, event_type, byte_length, sha256, payload FROM webhook_deliveries WHERE delivery_id = $1",
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: "github",
      event_name: "star",
      event_type: "dev.meshsix.github.star",
      byte_length: bytes(body).byteLength,
      payload: null,
    });
    expect(rows[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
