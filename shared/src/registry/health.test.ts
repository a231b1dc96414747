import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { loadConfig } from "../config/env.ts";
import { defineFunction } from "../function/define.ts";
import { createMemoryKv } from "../kv/memory.ts";
import { rememberDependencyChecks } from "./checks.ts";
import { createDependencyHealth } from "./health.ts";

const capability = (dependencies: string[]) => ({
  name: "deploy-service",
  weight: 0.9,
  preferred: false,
  dependencies,
});

describe("dependency health", () => {
  it("runs checks in parallel, caches each result for the TTL, and reads the cache after", async () => {
    let calls = 0;
    let up = true;
    rememberDependencyChecks(
      defineFunction({
        name: "health-agent",
        description: "test",
        dependencyChecks: [
          {
            name: "api",
            check: async () => {
              calls += 1;
              return up;
            },
          },
          { name: "db", check: async () => true },
        ],
      }),
    );
    const clock = createManualClock();
    const health = createDependencyHealth({
      kv: createMemoryKv({ clock }),
      config: loadConfig({}),
      ttlMs: 10_000,
    });
    const candidates = [{ agentId: "health-agent", capability: capability(["api", "db"]) }];
    expect((await health.of(candidates)).get("health-agent")).toEqual({
      score: 1,
      failing: [],
      unchecked: [],
    });
    up = false;
    await clock.advance(9_999);
    expect((await health.of(candidates)).get("health-agent")?.score).toBe(1);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect((await health.of(candidates)).get("health-agent")).toEqual({
      score: 0,
      failing: ["api"],
      unchecked: [],
    });
    expect(calls).toBe(2);
  });

  it("counts a check that throws or never answers as failing, and one it cannot run as unchecked", async () => {
    rememberDependencyChecks(
      defineFunction({
        name: "stuck-agent",
        description: "test",
        dependencyChecks: [
          { name: "hangs", check: () => new Promise<boolean>(() => {}) },
          {
            name: "throws",
            check: async () => {
              throw new Error("connection refused");
            },
          },
        ],
      }),
    );
    const health = createDependencyHealth({ kv: createMemoryKv(), config: loadConfig({}), timeoutMs: 10 });
    const result = await health.of([
      { agentId: "stuck-agent", capability: capability(["hangs", "throws"]) },
      { agentId: "elsewhere", capability: capability(["remote"]) },
    ]);
    expect(result.get("stuck-agent")).toEqual({ score: 0, failing: ["hangs", "throws"], unchecked: [] });
    expect(result.get("elsewhere")).toEqual({ score: 1, failing: [], unchecked: ["remote"] });
  });
});
