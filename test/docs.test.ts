import { readFileSync } from "node:fs";
import { fleet } from "@mesh-six/cli/fleet";
import { embeddedHostConfig } from "@mesh-six/shared/config/host";
import { configOf } from "@mesh-six/shared/function/config";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README", () => {
  it("documents every environment variable the hosts and the functions read", () => {
    const variables = [embeddedHostConfig, ...fleet.map(configOf)].flatMap((schema) =>
      Object.keys(schema.shape),
    );
    const missing = [...new Set(variables)].filter((variable) => !readme.includes(`\`${variable}\``));
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
