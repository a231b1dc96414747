import { fileURLToPath } from "node:url";
import { fleet } from "@mesh-six/fleet";
import { bundleFleet } from "./bundle/fleet.ts";

/**
 * `npm run build` (turbo) or `node knative/src/build.ts [name…]`: one file per function,
 * knative/dist/<name>/index.mjs, plus the migration Job's knative/dist/migrate/index.mjs.
 */
const outDir = fileURLToPath(new URL("../dist", import.meta.url));
const built = await bundleFleet(fleet, outDir, process.argv.slice(2));
for (const bundle of built) {
  process.stdout.write(`${bundle.name.padEnd(20)} ${(bundle.bytes / 1024).toFixed(0).padStart(6)} KiB\n`);
}
