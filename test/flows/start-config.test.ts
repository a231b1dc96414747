import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { npmStartExpectingFailure, stackLine } from "../support/npm-start.ts";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

describe("npm start with a bad configuration", () => {
  it("stops naming DATABASE_URL when the database cannot be reached", async () => {
    const port = await closedPort();
    const { code, output } = await npmStartExpectingFailure({
      DATABASE_URL: `postgresql://mesh:secret-password@127.0.0.1:${port}/mesh`,
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain(
      `DATABASE_URL: cannot reach the database at 127.0.0.1:${port}/mesh (user "mesh")`,
    );
    expect(output).toContain("Start the server, or fix the host and port in DATABASE_URL.");
    expect(output).not.toContain("secret-password");
    expect(output).not.toMatch(stackLine);
  });

  it("stops naming UPSTASH_REDIS_REST_TOKEN when the Redis REST token is missing", async () => {
    const { code, output } = await npmStartExpectingFailure({
      UPSTASH_REDIS_REST_URL: "https://example-12345.upstash.io",
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain("UPSTASH_REDIS_REST_TOKEN: is missing while UPSTASH_REDIS_REST_URL is set");
    expect(output).not.toMatch(stackLine);
  });

  it("stops naming KAFKA_BROKERS when MESH_BROKER=kafka has no cluster to reach", async () => {
    const { code, output } = await npmStartExpectingFailure({ MESH_BROKER: "kafka" });
    expect(code).toBe(2);
    expect(output).toContain("KAFKA_BROKERS");
    expect(output).not.toMatch(stackLine);
  });

  it("refuses to start when a function's variable is wrong, naming every function that reads it", async () => {
    const { code, output } = await npmStartExpectingFailure({ LLM_BASE_URL: "not a url" });
    expect(code).toBe(2);
    expect(output).toContain(
      'mesh-six: functions gateway, general-agent, architect, researcher, humans, argocd-deployer, kubectl-deployer: LLM_BASE_URL: must be a URL, e.g. http://localhost:11434/v1; got "not a url" — OpenAI-compatible endpoint',
    );
    expect(output).not.toContain("orchestrator");
    expect(output).not.toMatch(stackLine);
  });

  it("refuses MESH_BROKER=knative, which is for functions deployed to a cluster", async () => {
    const { code, output } = await npmStartExpectingFailure({ MESH_BROKER: "knative" });
    expect(code).toBe(2);
    expect(output).toContain("MESH_BROKER: knative is how functions run on a cluster");
  });
});
