import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { giteaDelivery, githubDelivery } from "./testing/deliveries.ts";
import {
  giteaIssueOpened,
  giteaPackageCreated,
  giteaPullRequestComment,
  giteaPullRequestOpened,
  giteaPush,
} from "./testing/gitea-payloads.ts";
import { githubExample } from "./testing/github-examples.ts";
import { receiverUnderTest, testSecrets } from "./testing/receiver-host.ts";

const secret = testSecrets.GITEA_WEBHOOK_SECRET;

describe("Gitea deliveries (payloads from Gitea's documentation and source), signed, on the embedded host", () => {
  const { host, deliver, published } = receiverUnderTest("dev.meshsix.gitea.");

  it.each([
    {
      payload: giteaPush,
      type: "dev.meshsix.gitea.push",
      source: "http://localhost:3000/gitea/webhooks",
      subject: "refs/heads/develop",
      action: undefined,
    },
    {
      payload: giteaIssueOpened,
      type: "dev.meshsix.gitea.issues",
      source: "http://localhost:3000/test/repo",
      subject: "issues/2",
      action: "opened",
    },
    {
      payload: giteaPullRequestOpened,
      type: "dev.meshsix.gitea.pull_request",
      source: "http://localhost:3000/test/repo",
      subject: "pull/12",
      action: "opened",
    },
    {
      payload: giteaPullRequestComment,
      type: "dev.meshsix.gitea.issue_comment",
      source: "http://localhost:3000/test/repo",
      subject: "pull/12",
      action: "created",
    },
    {
      // X-Gitea-Event is empty for packages: the type comes from X-Gitea-Event-Type
      payload: giteaPackageCreated,
      type: "dev.meshsix.gitea.package",
      source: "/gitea/orgs/org1",
      subject: undefined,
      action: "created",
    },
  ])("publishes $payload.eventType as $type, source $source, subject $subject", async (expected) => {
    const id = randomUUID();
    const answer = await deliver(giteaDelivery(expected.payload, { secret, id }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const event = (await published()).find((each) => each.id === id)!;
    expect(event).toMatchObject({
      id,
      type: expected.type,
      source: expected.source,
      mesheventtype: expected.payload.eventType,
      datacontenttype: "application/json",
    });
    expect(event.subject).toBe(expected.subject);
    expect(event.meshaction).toBe(expected.action);
    expect(new TextDecoder().decode(event.data as Uint8Array)).toBe(expected.payload.body);
  });

  it("takes the form-encoded content type, whose signature Gitea computes over the payload field", async () => {
    const id = randomUUID();
    const answer = await deliver(giteaDelivery(giteaIssueOpened, { secret, id, contentType: "form" }));
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const event = (await published()).find((each) => each.id === id)!;
    expect(new TextDecoder().decode(event.data as Uint8Array)).toBe(giteaIssueOpened.body);
  });

  it("checks X-Hub-Signature-256 when X-Gitea-Signature is absent (Gitea sends both)", async () => {
    const id = randomUUID();
    const hubOnly = giteaDelivery(giteaPush, { secret, id, headers: { "x-gitea-signature": "" } });
    expect((await deliver(hubOnly)).status).toBe(202);
    const wrongHub = giteaDelivery(giteaPush, {
      secret,
      headers: { "x-gitea-signature": "", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    });
    expect((await deliver(wrongHub)).status).toBe(401);
  });

  it("refuses a wrong or missing signature with 401 and publishes nothing", async () => {
    const before = (await published()).length;
    const wrong = await deliver(giteaDelivery(giteaIssueOpened, { secret: "some-other-secret-entirely" }));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toContain("x-gitea-signature does not match the body");
    const missing = await deliver(giteaDelivery(giteaIssueOpened, {}));
    expect(missing.status).toBe(401);
    expect(missing.json.error).toContain("x-gitea-signature or x-hub-signature-256");
    expect(missing.json.error).toContain("GITEA_WEBHOOK_SECRET");
    expect((await published()).length).toBe(before);
  });

  it("publishes a redelivery (the same X-Gitea-Delivery) once", async () => {
    const id = randomUUID();
    expect((await deliver(giteaDelivery(giteaPullRequestOpened, { secret, id }))).status).toBe(202);
    const again = await deliver(giteaDelivery(giteaPullRequestOpened, { secret, id }));
    expect(again.status).toBe(200);
    expect(again.json.duplicate).toBe(true);
    expect((await published()).filter((event) => event.id === id)).toHaveLength(1);
  });

  it("keeps GitHub's and Gitea's delivery ids apart: the same id from each is two deliveries", async () => {
    const id = randomUUID();
    expect((await deliver(giteaDelivery(giteaPush, { secret, id }))).status).toBe(202);
    const fromGitHub = githubDelivery("push", {
      body: JSON.stringify(githubExample("push")),
      secret: testSecrets.GITHUB_WEBHOOK_SECRET,
      id,
    });
    expect((await deliver(fromGitHub)).status).toBe(202);
    const rows = await host().db.query<{ provider: string }>(
      "SELECT provider FROM webhook_deliveries WHERE delivery_id = $1 ORDER BY provider",
      [id],
    );
    expect(rows.rows).toEqual([{ provider: "gitea" }, { provider: "github" }]);
  });
});
