import { defineFunction, type FunctionDefinition } from "@mesh-six/shared/function/define";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateManifests, type ManifestSet } from "../manifests/generate.ts";
import type { Resource } from "../manifests/settings.ts";
import { validateManifests } from "./index.ts";

/** Needs GITHUB_ORG (no default) and its token, from a Secret. */
const reporter = defineFunction({
  name: "reporter",
  description: "reports to GitHub",
  config: z.object({
    GITHUB_ORG: z.string().min(1).describe("the organisation it reports to"),
    GITHUB_TOKEN: z.string().min(1).describe("its token"),
    REPORT_LIMIT: z.coerce.number().default(10).describe("how many reports a run sends"),
  }),
  secrets: [{ env: "GITHUB_TOKEN", secret: "mesh-six-github", key: "token" }],
  handler: () => [],
});
const sink = defineFunction({ name: "dead-letter", description: "sink", handler: () => [] });

type Entry = Record<string, unknown> & { name: string };

/** The generated set with the reporter's env changed, and the ConfigMap's data. */
function edited(
  fleet: readonly FunctionDefinition[],
  changeEnv: (env: Entry[]) => Entry[],
  data: Record<string, string> = {},
): ManifestSet {
  const files = generateManifests(fleet);
  const copy = new Map<string, Resource[]>();
  for (const [file, resources] of files) {
    copy.set(
      file,
      resources.map((resource) => {
        const clone = structuredClone(resource) as Resource & Record<string, unknown>;
        if (clone.kind === "ConfigMap") {
          Object.assign(clone, { data: { ...(clone.data as Record<string, string>), ...data } });
        }
        if (clone.kind === "Service" && clone.metadata.name === "reporter") {
          const container = (clone.spec as { template: { spec: { containers: { env: Entry[] }[] } } })
            .template.spec.containers[0]!;
          container.env = changeEnv(container.env);
        }
        return clone;
      }),
    );
  }
  return copy;
}

const problemsOf = (files: ManifestSet) => validateManifests(files, [reporter, sink]);
const unchanged = (env: Entry[]) => env;

describe("the variables a function requires", () => {
  it("must be provided by its Service: a required variable in no ConfigMap fails the check", () => {
    expect(problemsOf(edited([reporter, sink], unchanged))).toEqual([
      "generated/functions/reporter.yaml: Service reporter: env[GITHUB_ORG]: function reporter cannot start without GITHUB_ORG (the organisation it reports to), but its Service reads key GITHUB_ORG of ConfigMap mesh-six-config, which does not hold it; add the key to the ConfigMap (regenerate with npm run manifests)",
    ]);
  });

  it("are provided by a key of the ConfigMap, a literal value, or a required Secret reference", () => {
    expect(problemsOf(edited([reporter, sink], unchanged, { GITHUB_ORG: "mesh-six" }))).toEqual([]);
    const literal = (env: Entry[]) =>
      env.map((entry) => (entry.name === "GITHUB_ORG" ? { name: "GITHUB_ORG", value: "mesh-six" } : entry));
    expect(problemsOf(edited([reporter, sink], literal))).toEqual([]);
  });

  it("fail the check when the Service leaves one out or reads it from an optional Secret reference", () => {
    const without = (variable: string) => (env: Entry[]) => env.filter((entry) => entry.name !== variable);
    const problems = problemsOf(edited([reporter, sink], without("MESH_EVENT_KEY"), { GITHUB_ORG: "x" }));
    expect(problems).toEqual([
      "generated/functions/reporter.yaml: Service reporter: env[MESH_EVENT_KEY]: function reporter cannot start without MESH_EVENT_KEY, but its Service does not set it (regenerate with npm run manifests)",
    ]);
    const optional = {
      ...reporter,
      secrets: [{ env: "GITHUB_TOKEN", secret: "mesh-six-github", key: "token", optional: true }],
    };
    expect(
      validateManifests(edited([optional, sink], unchanged, { GITHUB_ORG: "x" }), [optional, sink]),
    ).toEqual([
      "generated/functions/reporter.yaml: Service reporter: env[GITHUB_TOKEN]: function reporter cannot start without GITHUB_TOKEN (its token), but its Service reads it from an optional reference to Secret mesh-six-github (key token), so the pod may start without it; make the reference required (regenerate with npm run manifests)",
    ]);
  });

  it("never come from a ConfigMap when they hold secrets, and never from a key it lacks", () => {
    const fromConfigMap = (env: Entry[]) =>
      env.map((entry) =>
        entry.name === "GITHUB_TOKEN"
          ? {
              name: "GITHUB_TOKEN",
              valueFrom: { configMapKeyRef: { name: "mesh-six-config", key: "GITHUB_TOKEN" } },
            }
          : entry,
      );
    const problems = problemsOf(edited([reporter, sink], fromConfigMap, { GITHUB_ORG: "x" })).join("\n");
    expect(problems).toMatch(
      /env\[GITHUB_TOKEN\]: read from a ConfigMap, whose values anyone who can read the namespace sees/,
    );
    expect(problems).toMatch(
      /Service reporter: env\[GITHUB_TOKEN\]: its Service reads key GITHUB_TOKEN of ConfigMap mesh-six-config, which does not hold it/,
    );
  });
});
