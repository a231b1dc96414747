import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createArgoCdClient } from "./client.ts";
import { ArgoCdError } from "./errors.ts";
import { argocdDependencyCheck } from "./health.ts";
import { type ArgoCdApi, sampleApplication, startArgoCdApi } from "./testing/index.ts";

async function failure(call: Promise<unknown>): Promise<ArgoCdError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ArgoCdError)) throw new Error(`expected an ArgoCdError, got ${String(error)}`);
  return error;
}

describe("the ArgoCD client against the API double", () => {
  let api: ArgoCdApi;
  beforeAll(async () => {
    api = await startArgoCdApi({ tokens: ["api-token"], users: { admin: "s3cret" } });
  });
  afterAll(() => api.close());
  afterEach(() => {
    api.applications.clear();
    api.applications.set("shop", sampleApplication("shop"));
    api.failing = false;
    api.busy = 0;
    api.healthy = true;
  });

  const client = (
    credentials: { token?: string; username?: string; password?: string } = { token: "api-token" },
  ) => createArgoCdClient({ baseUrl: api.url, ...credentials });

  it("gets, lists and reads the status of applications with an API token", async () => {
    api.applications.set("shop", sampleApplication("shop"));
    expect((await client().getApplication("shop")).spec?.destination?.namespace).toBe("shop");
    expect((await client().listApplications()).map((app) => app.metadata.name)).toEqual(["shop"]);
    expect(await client().status("shop")).toMatchObject({
      name: "shop",
      sync: "Synced",
      health: "Healthy",
      revision: "53e28ff20cc530b9ada2173fbbd64d48338583ba",
      operation: "Succeeded",
      history: [{ id: 0 }, { id: 1 }],
    });
    expect((await client().resourceTree("shop")).nodes?.map((node) => node.kind)).toEqual([
      "Service",
      "Deployment",
    ]);
  });

  it("logs in with a username and password, and logs in again when the session ends", async () => {
    const session = client({ username: "admin", password: "s3cret" });
    await session.getApplication("shop");
    expect(api.requests.filter((request) => request === "POST /api/v1/session")).toHaveLength(1);
    await session.getApplication("shop");
    expect(api.requests.filter((request) => request === "POST /api/v1/session")).toHaveLength(1);
    const bad = await failure(client({ username: "admin", password: "wrong" }).getApplication("shop"));
    expect(bad).toMatchObject({ kind: "unauthenticated", retryable: false, type: "permission" });
    expect(bad.message).toContain("ARGOCD_USERNAME and ARGOCD_PASSWORD");
  });

  it("syncs to a revision, rolls back to a history entry, creates and deletes", async () => {
    const synced = await client().syncApplication("shop", { revision: "v2" });
    expect(synced.status?.sync?.revision).toBe("v2");
    expect(api.operations.at(-1)).toEqual({
      kind: "sync",
      name: "shop",
      body: { name: "shop", revision: "v2" },
    });
    const rolled = await client().rollbackApplication("shop", 0);
    expect(rolled.status?.sync?.revision).toBe("4a5b8d1e2a3f7c9b0d6e5f4a3b2c1d0e9f8a7b6c");
    await client().createApplication(sampleApplication("cart"));
    expect(api.applications.has("cart")).toBe(true);
    await client().deleteApplication("cart");
    expect(api.applications.has("cart")).toBe(false);
    expect(api.operations.at(-1)).toEqual({ kind: "delete", name: "cart", body: { cascade: "true" } });
  });

  it("says what each failure is and whether to retry", async () => {
    expect(await failure(client().getApplication("nope"))).toMatchObject({
      kind: "not_found",
      retryable: false,
      status: 404,
      grpcCode: 5,
    });
    api.busy = 1;
    const busy = await failure(client().syncApplication("shop"));
    expect(busy).toMatchObject({ kind: "operation_in_progress", retryable: true, grpcCode: 9 });
    expect(busy.message).toContain("another operation is already in progress");
    api.failing = true;
    expect(await failure(client().syncApplication("shop"))).toMatchObject({
      kind: "refused",
      retryable: false,
      status: 500,
    });
    expect(await failure(client({ token: "wrong" }).getApplication("shop"))).toMatchObject({
      kind: "unauthenticated",
      status: 401,
    });
    api.healthy = false;
    expect(await failure(client().getApplication("shop"))).toMatchObject({
      kind: "unavailable",
      retryable: true,
    });
    const closed = createArgoCdClient({ baseUrl: "http://127.0.0.1:1", token: "t" });
    expect(await failure(closed.getApplication("shop"))).toMatchObject({
      kind: "unavailable",
      retryable: true,
    });
  });

  it("refuses settings that cannot work, naming them", () => {
    expect(() => createArgoCdClient({ baseUrl: "argocd" })).toThrow(/ARGOCD_URL/);
    expect(() =>
      createArgoCdClient({ baseUrl: api.url, token: "t", username: "admin", password: "p" }),
    ).toThrow(/either ARGOCD_TOKEN or/);
    expect(() => createArgoCdClient({ baseUrl: api.url, username: "admin" })).toThrow(/ARGOCD_PASSWORD/);
  });

  it("declares its dependency check as the API server's version endpoint", () => {
    expect(argocdDependencyCheck()).toEqual({
      name: "argocd",
      url: "{ARGOCD_URL}/api/version",
      expectStatus: 200,
      timeoutMs: 1000,
    });
  });
});
