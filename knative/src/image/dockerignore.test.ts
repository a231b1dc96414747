import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDockerIgnore } from "./dockerignore.ts";

describe(".dockerignore patterns, as Docker matches them", () => {
  it.each<[string, string, boolean]>([
    ["**/node_modules", "node_modules", true],
    ["**/node_modules", "node_modules/zod/package.json", true],
    ["**/node_modules", "functions/gateway/node_modules/x.js", true],
    ["**/node_modules", "src/node_modules_notes.md", false],
    ["bench/results", "bench/results/broker.json", true],
    ["bench/results", "test/bench/results.ts", false],
    ["/.git", ".git", true],
    ["*.log", "npm-debug.log", true],
    ["*.log", "logs/npm-debug.log", false],
    ["**/*.log", "logs/npm-debug.log", true],
    ["docs/*.md", "docs/deploy.md", true],
    ["docs/*.md", "docs/a/b.md", false],
    ["file?.txt", "file1.txt", true],
    ["file[0-9].txt", "filea.txt", false],
    ["# a comment", "# a comment", false],
  ])("%s on %s: excluded %s", (pattern, path, excluded) => {
    expect(parseDockerIgnore(pattern).excludes(path)).toBe(excluded);
  });

  it("lets the last matching rule decide, so ! brings back what an earlier rule left out", () => {
    const ignore = parseDockerIgnore("docs\n!docs/deploy.md\n");
    expect(ignore.hasExceptions).toBe(true);
    expect(ignore.excludes("docs/routing.md")).toBe(true);
    expect(ignore.excludes("docs/deploy.md")).toBe(false);
    expect(parseDockerIgnore("!docs/deploy.md\ndocs\n").excludes("docs/deploy.md")).toBe(true);
  });

  it("the repository's .dockerignore keeps the sources and the lockfile, and leaves out installs and outputs", () => {
    const ignore = parseDockerIgnore(
      readFileSync(new URL("../../../.dockerignore", import.meta.url), "utf8"),
    );
    for (const kept of [
      "package.json",
      "package-lock.json",
      "knative/src/build.ts",
      "sql/migrations/0001_event_plane.sql",
    ]) {
      expect(ignore.excludes(kept), kept).toBe(false);
    }
    for (const left of [
      "node_modules/.bin/node",
      "knative/dist/gateway/index.mjs",
      ".mesh/pglite/PG_VERSION",
      ".git",
      "bench/results/broker.json",
    ]) {
      expect(ignore.excludes(left), left).toBe(true);
    }
  });
});
