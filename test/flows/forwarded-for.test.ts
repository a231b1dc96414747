import { request } from "node:http";
import { fleet } from "@mesh-six/fleet";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** GET /agents from the loopback address `from` (Linux routes all of 127.0.0.0/8 to lo). */
function getAgents(port: number, from: string, forwardedFor?: string) {
  return new Promise<{ status: number; remaining: string | undefined; body: string }>((resolve, reject) => {
    const outgoing = request(
      {
        host: "127.0.0.1",
        port,
        path: "/agents",
        localAddress: from,
        headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
      },
      (incoming) => {
        let body = "";
        incoming.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            remaining: incoming.headers["ratelimit-remaining"] as string | undefined,
            body,
          }),
        );
      },
    );
    outgoing.once("error", reject);
    outgoing.end();
  });
}

describe("the rate limit and X-Forwarded-For, through a listening server", () => {
  const attacker = "127.0.0.2";
  const victim = "127.0.0.3";
  const proxy = "127.0.0.4";
  let mesh: TestMesh;
  let server: RunningServer;
  beforeAll(async () => {
    mesh = await createTestMesh({
      functions: fleet,
      env: { RATE_LIMIT_PER_MINUTE: "3", TRUSTED_PROXIES: proxy },
    });
    server = await serveHost(mesh.host, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server.close();
    await mesh.stop();
  });

  it("ignores a forged X-Forwarded-For from an untrusted client: it spends its own budget, not the victim's", async () => {
    const forged = [];
    for (let n = 0; n < 4; n += 1) forged.push(await getAgents(server.port, attacker, victim));
    expect(forged.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(forged[3]!.body).toContain(`requests per window from ${attacker}`);
    const own = await getAgents(server.port, victim);
    expect(own).toMatchObject({ status: 200, remaining: "2" });
  });

  it("counts a request from a trusted proxy against the client it names", async () => {
    const relayed = await getAgents(server.port, proxy, `198.51.100.7, ${victim}`);
    expect(relayed).toMatchObject({ status: 200, remaining: "1" });
    expect(await getAgents(server.port, victim)).toMatchObject({ status: 200, remaining: "0" });
    expect((await getAgents(server.port, victim)).status).toBe(429);
    // the proxy's own budget is untouched
    expect(await getAgents(server.port, proxy)).toMatchObject({ status: 200, remaining: "2" });
  });
});
