import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

/**
 * `npm run bench`: runs every benchmark script in this folder (every .ts but this runner;
 * what they share is in support/), or the ones named on the command line, each in its own
 * process so one cannot warm the other's caches. Each prints its figures and writes them as
 * JSON under bench/results/.
 */
const here = new URL(".", import.meta.url);
const wanted = process.argv.slice(2);
const helpers = new Set(["run.ts"]);
const scripts = readdirSync(here)
  .filter((file) => file.endsWith(".ts") && !helpers.has(file) && !file.endsWith(".test.ts"))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();
if (scripts.length === 0) {
  process.stderr.write(
    `no benchmark matches ${wanted.join(", ")}; available: ${readdirSync(here).join(", ")}\n`,
  );
  process.exit(2);
}
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n== ${script}\n`);
  const result = spawnSync(process.execPath, [new URL(script, here).pathname], { stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
