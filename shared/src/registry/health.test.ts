import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import type { DependencyCheck } from "../function/define.ts";
import { createMemoryKv } from "../kv/memory.ts";
import type { Logger } from "../ports/logger.ts";
import type { CandidateAgent } from "./agents.ts";
import { type RegisteredCheck, registeredCheck } from "./checks.ts";
import { createDependencyHealth } from "./health.ts";

/** A dependency's HTTP API: answers `status` on every path, or never answers while `hang` is set. */
let status = 200;
const requests: string[] = [];
const server: Server = createServer((request, response) => {
  requests.push(request.url ?? "");
  if (request.url === "/hang") return;
  response.writeHead(status, { "content-type": "application/json" }).end('{"Version":"v2.14.0"}');
});
let base = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

function check(name: string, url: string, extra: Partial<DependencyCheck> = {}): RegisteredCheck {
  const registered = registeredCheck({ name, url, ...extra });
  if ("problem" in registered) throw new Error(registered.problem);
  return registered;
}

function candidate(
  agentId: string,
  checks: RegisteredCheck[],
  dependencies = checks.map((each) => each.name),
) {
  return {
    agentId,
    capability: { name: "deploy-service", weight: 0.9, preferred: false, dependencies },
    checks,
  } satisfies CandidateAgent;
}

function recordingLogger(lines: { msg: string; fields: Record<string, unknown> }[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (msg, fields) => lines.push({ msg, fields: fields ?? {} }),
    error: () => {},
    child: () => logger,
  };
  return logger;
}

describe("dependency health", () => {
  it("GETs the URL its variable names, caches the result for the TTL, and reads the cache after", async () => {
    status = 200;
    const clock = createManualClock();
    const health = createDependencyHealth({
      kv: createMemoryKv({ clock }),
      variable: (name) => ({ ARGOCD_SERVER_URL: base })[name],
      ttlMs: 10_000,
    });
    const agents = [candidate("argocd-deployer", [check("argocd", "{ARGOCD_SERVER_URL}/api/version")])];
    const before = requests.length;
    expect((await health.of(agents)).get("argocd-deployer")).toEqual({ score: 1, failing: [] });
    expect(requests.slice(before)).toEqual(["/api/version"]);
    status = 503;
    await clock.advance(9_999);
    expect((await health.of(agents)).get("argocd-deployer")?.score).toBe(1);
    expect(requests.length - before).toBe(1);
    await clock.advance(1);
    expect((await health.of(agents)).get("argocd-deployer")).toEqual({ score: 0, failing: ["argocd"] });
    expect(requests.length - before).toBe(2);
  });

  it("asks once when several decisions need the same check at the same moment", async () => {
    status = 200;
    const health = createDependencyHealth({
      kv: createMemoryKv(),
      variable: (name) => (name === "DEP" ? base : undefined),
    });
    const agents = [candidate("once-agent", [check("api", "{DEP}/healthz")])];
    const before = requests.length;
    const results = await Promise.all([health.of(agents), health.of(agents), health.of(agents)]);
    expect(results.map((result) => result.get("once-agent")?.score)).toEqual([1, 1, 1]);
    expect(requests.length - before).toBe(1);
  });

  it("passes the statuses a check expects, one code or a range", async () => {
    status = 401;
    const health = createDependencyHealth({ kv: createMemoryKv(), variable: () => undefined });
    const result = await health.of([
      candidate("exact", [check("session", `${base}/api/v1/session`, { expectStatus: 401 })]),
      candidate("range", [check("any-4xx", `${base}/x`, { expectStatus: [400, 499] })]),
      candidate("default", [check("ok", `${base}/y`)]),
    ]);
    expect([...result.values()].map((each) => each.score)).toEqual([1, 1, 0]);
  });

  it("counts as failing, with the reason logged: a status, a timeout, a refused connection, a missing variable, an unregistered check", async () => {
    status = 500;
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const logger = recordingLogger(lines);
    const health = createDependencyHealth({ kv: createMemoryKv(), variable: () => undefined });
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const result = await health.of(
      [
        candidate("status", [check("api", `${base}/api`)]),
        candidate("slow", [check("api", `${base}/hang`, { timeoutMs: 50 })]),
        candidate("refused", [check("api", `${refused}/api`)]),
        candidate("unset", [check("api", "{NOT_SET_ANYWHERE}/api")]),
        candidate("unregistered", [], ["api"]),
      ],
      logger,
    );
    expect([...result.values()]).toEqual(Array(5).fill({ score: 0, failing: ["api"] }));
    const reasons = lines
      .map((line) => `${line.fields.agent}: ${line.fields.reason ?? line.fields.fix}`)
      .sort();
    expect(reasons).toEqual([
      expect.stringMatching(/^refused: GET .* failed: fetch failed \(ECONNREFUSED\)$/),
      `slow: GET ${base}/hang failed: no answer within 50 ms`,
      `status: GET ${base}/api answered 500, not 200–299`,
      expect.stringMatching(/^unregistered: register the agent again/),
      expect.stringMatching(
        /^unset: NOT_SET_ANYWHERE is not set in this function's environment; set it where/,
      ),
    ]);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
