import { request as httpRequest } from "node:http";
import { fleet } from "@mesh-six/fleet";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createTestMesh, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const mib = 1024 * 1024;

interface Upload {
  readonly status: number;
  readonly body: string;
  /** Bytes the client had written when the answer came. */
  readonly written: number;
}

/**
 * POSTs up to `total` bytes in 64 KiB chunks, without waiting for the server to read
 * them, and stops writing as soon as the answer comes (or the server closes the socket).
 */
function upload(port: number, path: string, total: number, headers: Record<string, string>): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const request = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers }, (response) => {
      answered = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (text: string) => {
        body += text;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, written }));
    });
    request.on("error", (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

/** `POST /tasks` and the ingress refuse a huge body early, without reading it all, and the host stays responsive. */
describe("the body limit over HTTP", () => {
  let mesh: TestMesh;
  let server: RunningServer;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: fleet, env: { RATE_LIMIT_PER_MINUTE: "0" } });
    server = await serveHost(mesh.host, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server.close();
    await mesh.stop();
  });

  it.each([
    ["/tasks", { "content-type": "application/json" }],
    ["/mesh-six/default", { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" }],
  ])(
    "refuses 100 MiB sent to %s without a length after reading little more than the limit",
    async (path, headers) => {
      const answer = await upload(server.port, path, 100 * mib, headers);
      expect(answer.status).toBe(413);
      expect(answer.body).toContain("over the 1048576-byte limit");
      // what the client could push into socket buffers before the answer, not 100 MiB
      expect(answer.written).toBeLessThan(24 * mib);
      const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(health.status).toBe(200);
    },
  );

  it("takes a body within the limit sent without a length", async () => {
    const body = JSON.stringify({ capability: "general-query", payload: { query: "a".repeat(200_000) } });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port: server.port,
          path: "/tasks",
          method: "POST",
          headers: { "content-type": "application/json" },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on("error", reject);
      // several writes, no Content-Length: chunked transfer encoding
      for (let at = 0; at < body.length; at += 50_000) request.write(body.slice(at, at + 50_000));
      request.end();
    });
    expect(answer.status, answer.body).toBe(202);
  });

  it("refuses a declared 100 MiB at once", async () => {
    const answer = await upload(server.port, "/tasks", 64 * 1024, {
      "content-type": "application/json",
      "content-length": String(100 * mib),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain(`the ${100 * mib}-byte body is over the 1048576-byte limit`);
  });
});
