import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import ts from "typescript";
import { resolveExport, type WorkspacePackage, workspacePackages } from "./workspace.ts";

/** One import of a TypeScript file of the workspace, resolved to the file it loads when it is ours. */
export interface Import {
  readonly from: string;
  readonly specifier: string;
  /** The imported file, relative to the root; undefined for outside packages and Node built-ins. */
  readonly to?: string;
  /** The workspace package named by a bare specifier (`@mesh-six/…`). */
  readonly toPackage?: string;
}

export interface ImportGraph {
  readonly packages: readonly WorkspacePackage[];
  /** Every TypeScript file of the workspace packages, relative to the root. */
  readonly files: readonly string[];
  readonly imports: readonly Import[];
  /** The package a file belongs to. */
  packageOf(file: string): WorkspacePackage | undefined;
}

const skipped = new Set(["node_modules", "dist", "generated", ".mesh", ".scratch", ".turbo"]);

/**
 * Every static import, `export … from`, `import type` and literal `import("…")` of the
 * workspace's TypeScript files (type-only imports count: they make circles too).
 */
export function importGraph(root: string): ImportGraph {
  const packages = workspacePackages(root).sort((first, second) => second.dir.length - first.dir.length);
  const byName = new Map(packages.map((workspacePackage) => [workspacePackage.name, workspacePackage]));
  const files = packages.flatMap((workspacePackage) => typeScriptFiles(root, workspacePackage.dir));
  const imports = files.flatMap((file) =>
    ts
      .preProcessFile(readFileSync(join(root, file), "utf8"), true, true)
      .importedFiles.map(({ fileName: specifier }) => resolve(root, byName, file, specifier)),
  );
  const packageOf = (file: string) =>
    packages.find((workspacePackage) => file.startsWith(`${workspacePackage.dir}/`));
  return { packages, files, imports, packageOf };
}

function resolve(
  root: string,
  byName: ReadonlyMap<string, WorkspacePackage>,
  from: string,
  specifier: string,
): Import {
  if (specifier.startsWith(".")) {
    const to = normalize(join(dirname(from), specifier));
    return existsSync(join(root, to)) ? { from, specifier, to } : { from, specifier };
  }
  const [scope = "", name = "", ...rest] = specifier.split("/");
  const workspacePackage = byName.get(`${scope}/${name}`) ?? byName.get(scope);
  if (!workspacePackage) return { from, specifier };
  const subpath = byName.has(`${scope}/${name}`) ? rest.join("/") : [name, ...rest].join("/");
  const to = resolveExport(workspacePackage, subpath);
  return { from, specifier, toPackage: workspacePackage.name, ...(to ? { to } : {}) };
}

function typeScriptFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return existsSync(join(root, path, "package.json")) ? [] : typeScriptFiles(root, path);
    }
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}
