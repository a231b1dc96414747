import { readFileSync } from "node:fs";
import { fleet } from "@mesh-six/fleet";
import { embeddedHostConfig } from "@mesh-six/shared/config/host";
import { platformConfig } from "@mesh-six/shared/config/platform";
import { configOf } from "@mesh-six/shared/function/config";
import { describe, expect, it } from "vitest";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The "read by" cell of the Configuration table's row of each variable it names. */
function readByOfEachVariable(): Map<string, string> {
  const section = readme.slice(
    readme.indexOf("## Configuration\n"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration\n") + 1),
  );
  const readBy = new Map<string, string>();
  for (const line of section.split("\n").filter((each) => each.startsWith("| `"))) {
    const [variables = "", , who = ""] = line.slice(1).split(" | ");
    for (const match of variables.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) readBy.set(match[1]!, who);
  }
  return readBy;
}

describe("the README", () => {
  it("documents every environment variable the hosts and the functions read", () => {
    const variables = [embeddedHostConfig, ...fleet.map(configOf)].flatMap((schema) =>
      Object.keys(schema.shape),
    );
    const missing = [...new Set(variables)].filter((variable) => !readme.includes(`\`${variable}\``));
    expect(missing).toEqual([]);
  });

  it("says in the Configuration table which functions read each variable", () => {
    const readBy = readByOfEachVariable();
    const wrong: string[] = [];
    for (const variable of Object.keys(platformConfig.shape)) {
      if (!readBy.get(variable)?.includes("every host")) wrong.push(`${variable}: not "every host"`);
    }
    for (const definition of fleet) {
      for (const variable of Object.keys(configOf(definition).shape)) {
        const who = readBy.get(variable);
        if (!who?.includes(definition.name))
          wrong.push(`${variable}: ${definition.name} is not named (${who})`);
      }
    }
    for (const [variable, who] of readBy) {
      const readers = fleet.filter((definition) => variable in configOf(definition).shape);
      const named = fleet.filter((definition) =>
        new RegExp(`(^|[ ,;])${definition.name}([ ,;(]|$)`).test(who),
      );
      for (const definition of named) {
        if (!readers.includes(definition))
          wrong.push(`${variable}: names ${definition.name}, which does not read it`);
      }
    }
    expect(wrong).toEqual([]);
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
