import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The knative/ folder: kustomization.yaml and generated/. */
export const knativeRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Every file under knative/generated plus kustomization.yaml, path relative to knative/ → text. */
export function readCommitted(root = knativeRoot): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (directory: string) => {
    let entries: string[];
    try {
      entries = readdirSync(directory);
    } catch {
      return;
    }
    for (const entry of entries.sort()) {
      const path = join(directory, entry);
      if (entry.endsWith(".yaml")) files.set(relative(root, path), readFileSync(path, "utf8"));
      else if (!entry.includes(".")) walk(path);
    }
  };
  walk(join(root, "generated"));
  try {
    files.set("kustomization.yaml", readFileSync(join(root, "kustomization.yaml"), "utf8"));
  } catch {
    // not generated yet
  }
  return files;
}

/** Writes `rendered` under `root`, removing generated files no longer produced. */
export function writeRendered(rendered: ReadonlyMap<string, string>, root = knativeRoot): void {
  rmSync(join(root, "generated"), { recursive: true, force: true });
  for (const [path, text] of rendered) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
