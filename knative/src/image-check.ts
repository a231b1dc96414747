import { fileURLToPath } from "node:url";
import { fleet } from "@mesh-six/fleet";
import { migrateBundleName } from "./bundle/fleet.ts";
import { checkImageBuild } from "./image/check.ts";

/**
 * `npm run image:check [name…]`: proves the Dockerfile's build steps without a Docker
 * engine (knative/src/image/check.ts): a clean copy of the build context, `npm ci` and
 * `node knative/src/build.ts <FUNCTION>` for every function of the fleet and `migrate`,
 * each bundle copied alone into an empty folder and started as the image's CMD.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const wanted = process.argv.slice(2);
const functions =
  wanted.length > 0 ? wanted : [...fleet.map((definition) => definition.name), migrateBundleName];
const started = performance.now();
try {
  const images = checkImageBuild({
    root,
    functions,
    log: (line) => process.stdout.write(`image check: ${line}\n`),
  });
  const sizes = images.map((image) => `${image.function} ${(image.bundleBytes / 1024).toFixed(0)} KiB`);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    `image check: ${images.length} images build and start (${sizes.join(", ")}) in ${seconds} s\n`,
  );
} catch (error) {
  process.stderr.write(`image check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
