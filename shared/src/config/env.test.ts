import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { loadConfig } from "./env.ts";

function problem(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs with nothing set: the embedded host, PGlite in .mesh, the offline model", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      MESH_BROKER: "embedded",
      MESH_NAMESPACE: "mesh-six",
      MESH_BROKER_NAME: "default",
      MESH_DATA_DIR: ".mesh",
      RATE_LIMIT_PER_MINUTE: 1200,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.LLM_BASE_URL).toBeUndefined();
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "", LLM_BASE_URL: "" }).PORT).toBe(8080);
  });

  it("names the variable, what it must be, what it got and what it is for", () => {
    const error = problem({ PORT: "abc" });
    expect(error.setting).toBe("PORT");
    expect(error.message).toBe(
      'PORT: must be a number; got "abc" — HTTP port of the host; 0 picks a free one',
    );
  });

  it("lists every wrong variable at once", () => {
    const error = problem({ LOG_LEVEL: "loud", DATABASE_DRIVER: "mysql", LLM_BASE_URL: "not-a-url" });
    expect(error.message).toContain("LOG_LEVEL: must be one of debug, info, warn, error");
    expect(error.message).toContain("DATABASE_DRIVER: must be one of pglite, postgres, neon");
    expect(error.message).toContain("LLM_BASE_URL: must be a URL");
  });

  it("points inside a JSON setting", () => {
    const error = problem({ LLM_PRICES: '{"m":{"input":"x","output":1}}' });
    expect(error.message).toContain("must be a number at m.input");
    expect(problem({ LLM_PRICES: "{" }).message).toContain("must be JSON");
  });

  it("rejects names Knative would reject", () => {
    expect(problem({ MESH_NAMESPACE: "Mesh_Six" }).message).toMatch(
      /^MESH_NAMESPACE: must be a DNS-1123 label/,
    );
  });
});
