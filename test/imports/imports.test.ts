import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycles } from "./cycles.ts";
import { type Import, importGraph } from "./graph.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const graph = importGraph(root);

/** Test code: suites, the `testing/` helpers and fixtures of a package, and the `test/` package. */
const isTestCode = (file: string) =>
  file.startsWith("test/") || /\.test\.ts$|\/testing\/|\/test-fixture\.ts$|\/contract\//.test(file);

const named = ({ from, specifier }: Import) => `${from} imports ${specifier}`;

describe("the import graph", () => {
  it("sees the workspace: every package, hundreds of files, and resolves every @mesh-six import", () => {
    expect(graph.packages.map((workspacePackage) => workspacePackage.name)).toEqual(
      expect.arrayContaining(["@mesh-six/shared", "@mesh-six/fleet", "@mesh-six/knative", "@mesh-six/cli"]),
    );
    expect(graph.files.length).toBeGreaterThan(300);
    const unresolved = graph.imports.filter((entry) => entry.toPackage && !entry.to).map(named);
    expect(unresolved, "imports of a workspace package that its exports map does not export").toEqual([]);
  });

  it("has no import circles, type-only imports included (move the shared type to the lower module)", () => {
    const edges = new Map<string, string[]>(graph.files.map((file) => [file, []]));
    for (const { from, to } of graph.imports) if (to && edges.has(to)) edges.get(from)!.push(to);
    expect(findCycles(edges).map((circle) => circle.join(" → "))).toEqual([]);
  });

  it("keeps the deploy tooling off the CLI: knative/ neither imports nor depends on @mesh-six/cli", () => {
    const knative = graph.packages.find((workspacePackage) => workspacePackage.name === "@mesh-six/knative")!;
    expect([...knative.dependencies, ...knative.devDependencies]).not.toContain("@mesh-six/cli");
    const imports = graph.imports.filter(
      (entry) => entry.from.startsWith("knative/") && entry.toPackage === "@mesh-six/cli",
    );
    expect(imports.map(named)).toEqual([]);
  });

  it("keeps the floors below the runtime from importing it (runtime/, run/, host/)", () => {
    const below = /^shared\/src\/(ports|log|db|kv|broker|llm|embeddings)\//;
    const above = /^shared\/src\/(runtime|run|host)\//;
    const upward = graph.imports.filter(
      ({ from, to }) => to && below.test(from) && above.test(to) && !isTestCode(from),
    );
    expect(upward.map(named)).toEqual([]);
  });

  it("keeps the embedded and the Knative host apart: neither imports the other", () => {
    const embedded = /^shared\/src\/host\/embedded\.ts$/;
    const knative = /^shared\/src\/host\/knative[^/]*\.ts$/;
    const across = graph.imports.filter(
      ({ from, to }) =>
        to && ((embedded.test(from) && knative.test(to)) || (knative.test(from) && embedded.test(to))),
    );
    expect(across.map(named)).toEqual([]);
  });

  it("keeps integrations below the functions: they import only @mesh-six/shared and @mesh-six/events (their tests also the kit)", () => {
    const allowed = new Set(["@mesh-six/shared", "@mesh-six/events"]);
    const upward = graph.imports.filter(({ from, toPackage }) => {
      const owner = graph.packageOf(from);
      if (isTestCode(from) && toPackage === "@mesh-six/testing") return false;
      return (
        from.startsWith("integrations/") && toPackage && toPackage !== owner?.name && !allowed.has(toPackage)
      );
    });
    expect(upward.map(named)).toEqual([]);
  });

  it("declares every workspace package a package's own code imports in its dependencies", () => {
    const undeclared = graph.imports.filter(({ from, toPackage }) => {
      const owner = graph.packageOf(from);
      if (!toPackage || !owner || owner.name === toPackage || isTestCode(from)) return false;
      return !owner.dependencies.includes(toPackage);
    });
    expect(undeclared.map((entry) => `${named(entry)} without declaring ${entry.toPackage}`)).toEqual([]);
  });
});

describe("findCycles", () => {
  const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  it("finds each circle once, from its first file, and nothing in a graph without one", () => {
    expect(findCycles(graphOf({ a: ["b"], b: ["c"], c: [] }))).toEqual([]);
    expect(
      findCycles(
        graphOf({
          app: ["routes", "access"],
          routes: ["app", "access"],
          access: [],
          x: ["y"],
          y: ["z"],
          z: ["x"],
        }),
      ),
    ).toEqual([
      ["app", "routes", "app"],
      ["x", "y", "z", "x"],
    ]);
  });

  it("finds a file importing itself and a shortest circle inside a tangle", () => {
    expect(findCycles(graphOf({ a: ["a"] }))).toEqual([["a", "a"]]);
    expect(findCycles(graphOf({ a: ["b", "d"], b: ["c"], c: ["a"], d: ["a"] }))).toEqual([["a", "d", "a"]]);
  });
});

describe("the packages' public surface", () => {
  it("is curated: no workspace package exports a wildcard, and every entry names a file that exists", () => {
    const wildcards = graph.packages.flatMap((workspacePackage) =>
      Object.keys(workspacePackage.exports)
        .filter((key) => key.includes("*"))
        .map((key) => `${workspacePackage.name} exports ${key}`),
    );
    expect(wildcards, "list each module other packages import; unlisted modules are internal").toEqual([]);
    const missing = graph.packages.flatMap((workspacePackage) =>
      Object.entries(workspacePackage.exports)
        .filter(([, file]) => typeof file === "string" && !existsSync(join(root, workspacePackage.dir, file)))
        .map(([key, file]) => `${workspacePackage.name} ${key} → ${file}`),
    );
    expect(missing).toEqual([]);
  });

  it("loads the folder entries by name: @mesh-six/shared/llm and @mesh-six/shared/agent", async () => {
    const llm = await import("@mesh-six/shared/llm");
    const agent = await import("@mesh-six/shared/agent");
    expect(typeof llm.createLlm).toBe("function");
    expect(typeof agent.defineAgent).toBe("function");
  });
});
