import { TaskRequested } from "@mesh-six/events";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { rateLimitConfig } from "../config/access.ts";
import { llmConfig } from "../config/llm.ts";
import { memoryConfig } from "../config/memory.ts";
import { ConfigError } from "../errors.ts";
import {
  configOf,
  includesConfig,
  readFleetConfig,
  readFunctionConfig,
  requiredVariables,
} from "./config.ts";
import { defineFunction } from "./define.ts";

const greeter = defineFunction({
  name: "greeter",
  description: "greets, as often as it is told",
  config: z.object({
    GREETING: z.string().min(1).describe("what the greeter says"),
    GREETER_TIMES: z.coerce.number().int().min(1).default(1).describe("how often it says it"),
    GREETER_TOKEN: z.string().min(8).optional().describe("the greeter's key to the greeting service"),
  }),
  secrets: [{ env: "GREETER_TOKEN", secret: "greeter", key: "token", optional: true }],
  subscriptions: [{ name: "requests", attributes: { type: TaskRequested.type } }],
  handler(_event, ctx) {
    expectTypeOf(ctx.config.GREETING).toEqualTypeOf<string>();
    expectTypeOf(ctx.config.GREETER_TIMES).toEqualTypeOf<number>();
    expectTypeOf(ctx.config.GREETER_TOKEN).toEqualTypeOf<string | undefined>();
    // @ts-expect-error a variable its config does not declare is not there
    ctx.config.LLM_MODEL;
    ctx.logger.info(ctx.config.GREETING.repeat(ctx.config.GREETER_TIMES));
  },
});
const quiet = defineFunction({ name: "quiet", description: "reads nothing", handler: () => [] });

describe("a function's own configuration", () => {
  it("is parsed by its schema: defaults filled in, numbers coerced, nothing else read", () => {
    expect(readFunctionConfig(greeter, { GREETING: "hello", GREETER_TIMES: "3", LLM_MODEL: "x" })).toEqual({
      GREETING: "hello",
      GREETER_TIMES: 3,
    });
    expect(readFunctionConfig(quiet, { GREETING: "hello" })).toEqual({});
  });

  it("stops naming the function, the variable, what it must be, what it got and what it is for", () => {
    expect(() => readFunctionConfig(greeter, {})).toThrow(
      expect.objectContaining({
        name: "ConfigError",
        setting: "GREETING",
        owner: "function greeter",
        message: "function greeter: GREETING: must be a string; it is not set — what the greeter says",
      }),
    );
    expect(() => readFunctionConfig(greeter, { GREETING: "hi", GREETER_TIMES: "often" })).toThrow(
      new ConfigError("GREETER_TIMES", 'must be a number; got "often" — how often it says it', {
        owner: "function greeter",
      }),
    );
  });

  it("never repeats the value of a variable the function reads from a Secret", () => {
    const read = () => readFunctionConfig(greeter, { GREETING: "hi", GREETER_TOKEN: "short" });
    expect(read).toThrow("GREETER_TOKEN: must have at least 8 characters; its value is not shown");
    expect(read).not.toThrow(/short/);
  });

  it("lists every problem of every function of a fleet at once, each naming its functions", () => {
    const other = defineFunction({
      name: "other",
      description: "needs a number",
      config: z.object({ OTHER_LIMIT: z.coerce.number().describe("a limit") }),
    });
    expect(() => readFleetConfig([quiet, greeter, other], { OTHER_LIMIT: "many" })).toThrow(
      [
        "function greeter: GREETING: must be a string; it is not set — what the greeter says",
        '  function other: OTHER_LIMIT: must be a number; got "many" — a limit',
      ].join("\n"),
    );
    const twin = defineFunction({ ...greeter, name: "twin" });
    expect(() => readFleetConfig([greeter, twin], {})).toThrow(
      "functions greeter, twin: GREETING: must be a string; it is not set — what the greeter says",
    );
    const settings = readFleetConfig([quiet, greeter, other], { GREETING: "hi", OTHER_LIMIT: "2" });
    expect([...settings.keys()]).toEqual(["quiet", "greeter", "other"]);
    expect(settings.get("other")).toEqual({ OTHER_LIMIT: 2 });
  });

  it("knows which variables must be set and which pieces a config includes", () => {
    expect(requiredVariables(configOf(greeter))).toEqual(["GREETING"]);
    expect(requiredVariables(llmConfig)).toEqual([]);
    const agent = defineFunction({ name: "agent", description: "remembers", config: memoryConfig });
    expect(includesConfig(agent, memoryConfig)).toBe(true);
    expect(includesConfig(agent, llmConfig)).toBe(true);
    expect(includesConfig(greeter, llmConfig)).toBe(false);
  });

  it("gives every function with a run the LLM's variables, its own first", () => {
    const runner = defineFunction({
      name: "runner",
      description: "runs",
      capabilities: [{ name: "running", weight: 0.5 }],
      config: z.object({
        LLM_MODEL: z.string().default("my-model"),
        RUNNER_MODE: z.enum(["a", "b"]).default("a"),
      }),
      run: (_input, _step, ctx) => {
        expectTypeOf(ctx.config.RUNNER_MODE).toEqualTypeOf<"a" | "b">();
        return ctx.config.RUNNER_MODE;
      },
    });
    expect(includesConfig(runner, llmConfig)).toBe(true);
    expect(readFunctionConfig(runner, {})).toMatchObject({
      LLM_MODEL: "my-model",
      RUNNER_MODE: "a",
      LLM_MAX_RETRIES: 2,
    });
  });

  it("refuses a variable name no environment holds, and a public function without the rate limit's variables", () => {
    expect(() =>
      defineFunction({ name: "odd", description: "x", config: z.object({ "my-setting": z.string() }) }),
    ).toThrow(/function odd: config variable "my-setting" is not an environment variable name/);
    expect(() => defineFunction({ name: "open", description: "x", public: true })).toThrow(
      /function open is public, so its host rate-limits it with RATE_LIMIT_PER_MINUTE and TRUSTED_PROXIES/,
    );
    expect(
      defineFunction({ name: "open", description: "x", public: true, config: rateLimitConfig }).public,
    ).toBe(true);
  });
});
