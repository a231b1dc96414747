import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "./mesh.ts";
import { runMesh } from "./run.ts";
import { createTestIo } from "./testing/io.ts";
import { startRecordingServer } from "./testing/recording-server.ts";

describe("the mesh CLI's API key (MESH_API_KEY)", () => {
  let mesh: Awaited<ReturnType<typeof startRecordingServer>>;
  let elsewhere: Awaited<ReturnType<typeof startRecordingServer>>;
  let status = 200;
  beforeAll(async () => {
    mesh = await startRecordingServer(() =>
      status === 401
        ? {
            status: 401,
            contentType: "application/json",
            body: '{"error":"this mesh needs an API key: send it as \'Authorization: Bearer <key>\' (the mesh CLI sends MESH_API_KEY)"}',
          }
        : { status: 200, contentType: "application/json", body: '{"agents":[]}' },
    );
    elsewhere = await startRecordingServer(() => ({ status: 202 }));
  });
  afterAll(async () => {
    await mesh.close();
    await elsewhere.close();
  });

  const run = (env: Record<string, string>, ...argv: string[]) => {
    const io = createTestIo({ env: { MESH_URL: mesh.url, ...env } });
    return runMesh(argv, commands, io).then((code) => ({ code, stderr: io.stderrText() }));
  };

  it("sends it as Authorization: Bearer to the mesh, and nothing without it", async () => {
    expect((await run({ MESH_API_KEY: "0123456789abcdef0123" }, "agents")).code).toBe(0);
    expect(mesh.requests.at(-1)?.headers.authorization).toBe("Bearer 0123456789abcdef0123");
    await run({}, "agents");
    expect(mesh.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("does not send it to a --to-url that is not the mesh", async () => {
    const sent = await run(
      { MESH_API_KEY: "0123456789abcdef0123" },
      "send",
      "--type",
      "dev.meshsix.task.requested",
      "--to-url",
      `${elsewhere.url}/mesh-six/default`,
    );
    expect(sent.code).toBe(0);
    expect(elsewhere.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("passes on the mesh's 401, which says how to send a key", async () => {
    status = 401;
    const refused = await run({}, "agents");
    status = 200;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("answered 401 Unauthorized: this mesh needs an API key");
    expect(refused.stderr).toContain("MESH_API_KEY");
  });
});
