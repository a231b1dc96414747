import { fleet } from "@mesh-six/fleet";
import { knativeRoot, writeRendered } from "./manifests/files.ts";
import { generateManifests, renderManifests } from "./manifests/render.ts";
import { validateManifests } from "./validate/index.ts";

/** `npm run manifests`: writes knative/kustomization.yaml and knative/generated/ from the fleet, after validating them. */
const files = generateManifests(fleet);
const problems = validateManifests(files, fleet);
if (problems.length > 0) {
  process.stderr.write(
    `the generated manifests are not valid; nothing was written:\n  ${problems.join("\n  ")}\n`,
  );
  process.exit(1);
}
const rendered = renderManifests(files);
writeRendered(rendered, knativeRoot);
process.stdout.write(`wrote ${rendered.size} files under knative/: ${[...rendered.keys()].join(", ")}\n`);
