import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TaskRequested } from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { memoryConfig } from "@mesh-six/shared/config/memory";
import { ConfigError } from "@mesh-six/shared/errors";
import { defineFunction } from "@mesh-six/shared/function/define";
import { startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { createTestMesh } from "@mesh-six/testing";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

interface Seen {
  readonly function: string;
  readonly config: Record<string, unknown>;
  readonly llm: boolean;
  readonly memory: boolean;
}
const seen: Seen[] = [];

const onRequest = [{ name: "requests", attributes: { type: TaskRequested.type } }];

/** Needs GREETING; reads GREETER_TIMES (default 1). */
const greeter = defineFunction({
  name: "greeter",
  description: "test function with a variable of its own",
  config: z.object({
    GREETING: z.string().min(1).describe("what the greeter says"),
    GREETER_TIMES: z.coerce.number().int().min(1).default(1).describe("how often it says it"),
  }),
  subscriptions: onRequest,
  handler(_event, ctx) {
    seen.push({ function: ctx.function, config: { ...ctx.config }, llm: !!ctx.llm, memory: !!ctx.memory });
  },
});

/** Includes memoryConfig (and so llmConfig): gets ctx.memory and ctx.llm. */
const rememberer = defineFunction({
  name: "rememberer",
  description: "test function that remembers",
  config: memoryConfig,
  subscriptions: onRequest,
  handler(_event, ctx) {
    seen.push({ function: ctx.function, config: { ...ctx.config }, llm: !!ctx.llm, memory: !!ctx.memory });
  },
});

describe("each function's own configuration on the embedded host", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to start when a function lacks a variable it needs, naming both, before opening anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mesh-function-config-"));
    dirs.push(dir);
    const started = startEmbeddedHost({
      functions: [...fleet, greeter],
      environment: { MESH_DATA_DIR: dir, GREETER_TIMES: "twice" },
      logger: silentLogger,
    });
    const error = await started.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      [
        "function greeter: GREETING: must be a string; it is not set — what the greeter says",
        '  function greeter: GREETER_TIMES: must be a number; got "twice" — how often it says it',
      ].join("\n"),
    );
    expect(existsSync(join(dir, "pglite"))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("hands each handler its own parsed settings, and the LLM and memory only where its config includes them", async () => {
    const mesh = await createTestMesh({
      functions: [greeter, rememberer],
      platform: false,
      env: {
        GREETING: "hello",
        GREETER_TIMES: "2",
        LLM_MODEL: "my-model",
        MESH_API_KEYS: "ops:0123456789abcdef0123:read",
      },
    });
    try {
      await mesh.publish(
        TaskRequested.create({
          source: "/test/flows",
          data: { taskId: "t-1", capability: "x", payload: {} },
        }),
      );
    } finally {
      await mesh.stop();
    }
    const byName = new Map(seen.map((entry) => [entry.function, entry]));
    expect(byName.get("greeter")).toEqual({
      function: "greeter",
      config: { GREETING: "hello", GREETER_TIMES: 2 },
      llm: false,
      memory: false,
    });
    const remembering = byName.get("rememberer");
    expect(remembering).toMatchObject({ llm: true, memory: true, config: { LLM_MODEL: "my-model" } });
    expect(Object.keys(remembering?.config ?? {})).not.toContain("MESH_API_KEYS");
  });
});
