import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** A package of the npm workspace: its name, folder (relative to the root) and exports map. */
export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly dependencies: readonly string[];
  readonly devDependencies: readonly string[];
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  exports?: Record<string, unknown> | string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as PackageJson;

/** Every package the root package.json lists in `workspaces` (a trailing `/*` takes each folder). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const patterns = readJson(join(root, "package.json")).workspaces ?? [];
  const dirs = patterns.flatMap((pattern) =>
    pattern.endsWith("/*")
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(pattern.slice(0, -2), entry.name))
      : [pattern],
  );
  return dirs
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .map((dir) => {
      const manifest = readJson(join(root, dir, "package.json"));
      const exports = typeof manifest.exports === "string" ? { ".": manifest.exports } : manifest.exports;
      return {
        name: manifest.name ?? relative(root, dir),
        dir,
        exports: exports ?? {},
        dependencies: Object.keys(manifest.dependencies ?? {}),
        devDependencies: Object.keys(manifest.devDependencies ?? {}),
      };
    });
}

/**
 * The file (relative to the root) an import of a workspace package resolves to through its
 * `exports` map: exact keys first, then `*` patterns; undefined when the map does not export it.
 */
export function resolveExport(workspacePackage: WorkspacePackage, subpath: string): string | undefined {
  const key = subpath === "" ? "." : `./${subpath}`;
  const exact = target(workspacePackage.exports[key]);
  if (exact) return join(workspacePackage.dir, exact);
  for (const [pattern, value] of Object.entries(workspacePackage.exports)) {
    const star = pattern.indexOf("*");
    if (star < 0) continue;
    const [before, after] = [pattern.slice(0, star), pattern.slice(star + 1)];
    if (!key.startsWith(before) || !key.endsWith(after) || key.length < pattern.length - 1) continue;
    const matched = key.slice(before.length, key.length - after.length);
    const file = target(value);
    if (file) return join(workspacePackage.dir, file.replace("*", matched));
  }
  return undefined;
}

/** The file an exports entry points at: a string, or the `import`/`default`/`types` condition. */
function target(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const conditions = value as Record<string, unknown>;
    return target(conditions.import ?? conditions.default ?? conditions.types);
  }
  return undefined;
}
