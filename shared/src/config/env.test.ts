import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { loadConfig } from "./env.ts";
import { embeddedHostConfig } from "./host.ts";
import { llmConfig } from "./llm.ts";
import { readConfig } from "./read.ts";

function problem(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs with nothing set: the embedded host, PGlite in .mesh", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      MESH_BROKER: "embedded",
      MESH_NAMESPACE: "mesh-six",
      MESH_BROKER_NAME: "default",
      MESH_DATA_DIR: ".mesh",
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(readConfig(embeddedHostConfig, {}).RATE_LIMIT_PER_MINUTE).toBe(1200);
    expect(readConfig(llmConfig, {}).LLM_BASE_URL).toBeUndefined();
  });

  it("reads only the platform's variables; a function's are its own", () => {
    expect(Object.keys(loadConfig({ LLM_BASE_URL: "not-a-url", MESH_API_KEYS: "x" }))).not.toContain(
      "LLM_BASE_URL",
    );
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "" }).PORT).toBe(8080);
    expect(readConfig(llmConfig, { LLM_BASE_URL: "" }).LLM_BASE_URL).toBeUndefined();
  });

  it("names the variable, what it must be, what it got and what it is for", () => {
    const error = problem(() => loadConfig({ PORT: "abc" }));
    expect(error.setting).toBe("PORT");
    expect(error.owner).toBeUndefined();
    expect(error.message).toBe(
      'PORT: must be a number; got "abc" — HTTP port of the host; 0 picks a free one',
    );
  });

  it("lists every wrong variable at once", () => {
    const error = problem(() =>
      loadConfig({ LOG_LEVEL: "loud", DATABASE_DRIVER: "mysql", NEON_FETCH_ENDPOINT: "x" }),
    );
    expect(error.message).toContain("LOG_LEVEL: must be one of debug, info, warn, error");
    expect(error.message).toContain("DATABASE_DRIVER: must be one of pglite, postgres, neon");
    expect(error.message).toContain("NEON_FETCH_ENDPOINT: must be a URL");
  });

  it("points inside a JSON setting", () => {
    const error = problem(() => readConfig(llmConfig, { LLM_PRICES: '{"m":{"input":"x","output":1}}' }));
    expect(error.message).toContain("must be a number at m.input");
    expect(problem(() => readConfig(llmConfig, { LLM_PRICES: "{" })).message).toContain("must be JSON");
  });

  it("never repeats a secret's value", () => {
    const error = problem(() => readConfig(embeddedHostConfig, { MESH_API_KEYS: "ops:short-secret:read" }));
    expect(error.message).toContain("its value is not shown, as it is a secret");
    expect(error.message).not.toContain("short-secret");
  });

  it("rejects names Knative would reject", () => {
    expect(problem(() => loadConfig({ MESH_NAMESPACE: "Mesh_Six" })).message).toMatch(
      /^MESH_NAMESPACE: must be a DNS-1123 label/,
    );
  });
});
