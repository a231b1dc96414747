import { readFileSync } from "node:fs";
import { configSchema } from "@mesh-six/shared/config/env";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README", () => {
  it("documents every environment variable the configuration reads", () => {
    const missing = Object.keys(configSchema.shape).filter((variable) => !readme.includes(`\`${variable}\``));
    expect(missing).toEqual([]);
  });

  it("documents every npm script", () => {
    const scripts = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      scripts: Record<string, string>;
    };
    const missing = Object.keys(scripts.scripts).filter(
      (name) => !readme.includes(name === "test" || name === "start" ? `npm ${name}` : `npm run ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
