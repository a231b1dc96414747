import { fleet } from "@mesh-six/fleet";
import { configOf } from "@mesh-six/shared/function/config";
import { describe, expect, it } from "vitest";
import { platformVariables } from "./environment.ts";
import { generateManifests } from "./generate.ts";
import type { Resource } from "./settings.ts";

interface EnvEntry {
  readonly name: string;
  readonly valueFrom: {
    readonly secretKeyRef?: { name: string; key: string; optional?: boolean };
    readonly configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

const files = generateManifests(fleet);
/** The variables the fleet's dependency checks name (`{ARGOCD_URL}/api/version`). */
const checkVariables = fleet.flatMap((definition) =>
  (definition.dependencyChecks ?? []).flatMap((check) =>
    [...check.url.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? ""),
  ),
);

function containerOf(name: string): { env: EnvEntry[]; envFrom?: unknown } {
  const service = files
    .get(`generated/functions/${name}.yaml`)
    ?.find((resource) => resource.kind === "Service");
  if (!service) throw new Error(`no Service ${name}`);
  const spec = service.spec as {
    template: { spec: { containers: { env: EnvEntry[]; envFrom?: unknown }[] } };
  };
  return spec.template.spec.containers[0]!;
}
const namesOf = (name: string) => containerOf(name).env.map((entry) => entry.name);
const entryOf = (name: string, variable: string) =>
  containerOf(name).env.find((entry) => entry.name === variable);

describe("each function's Service", () => {
  it("gets the platform's variables and its config's, and no others: no envFrom of the whole ConfigMap", () => {
    for (const definition of fleet) {
      const own = Object.keys(configOf(definition).shape);
      const secrets = (definition.secrets ?? []).map((secret) => secret.env);
      const checks = definition.runsDependencyChecks ? checkVariables : [];
      // the cluster's CA, for the functions with Kubernetes RBAC (service.ts)
      const clusterCa = definition.kubernetesAccess ? ["NODE_EXTRA_CA_CERTS"] : [];
      const names = namesOf(definition.name);
      expect(containerOf(definition.name).envFrom, definition.name).toBeUndefined();
      expect(new Set(names).size, `${definition.name}: each variable once`).toBe(names.length);
      const allowed = new Set([...platformVariables, ...own, ...secrets, ...checks, ...clusterCa]);
      expect(
        names.filter((variable) => !allowed.has(variable)),
        definition.name,
      ).toEqual([]);
      expect(
        [...platformVariables, ...own].filter((variable) => variable !== "PORT" && !names.includes(variable)),
        definition.name,
      ).toEqual([]);
    }
  });

  it("gives the LLM's variables only to functions that call a model, and the API keys only to the gateway", () => {
    expect(namesOf("orchestrator")).not.toContain("LLM_BASE_URL");
    expect(namesOf("dead-letter")).not.toContain("LLM_API_KEY");
    expect(namesOf("general-agent")).toEqual(
      expect.arrayContaining(["LLM_BASE_URL", "LLM_MODEL", "EMBEDDING_MODEL"]),
    );
    expect(namesOf("gateway")).toEqual(
      expect.arrayContaining(["MESH_API_KEYS", "TRUSTED_PROXIES", "RATE_LIMIT_PER_MINUTE"]),
    );
    for (const name of ["orchestrator", "general-agent", "humans", "dead-letter"]) {
      expect(namesOf(name), name).not.toContain("MESH_API_KEYS");
      expect(namesOf(name), name).not.toContain("TRUSTED_PROXIES");
    }
  });

  it("reads secrets from their Secrets and the rest from their keys of mesh-six-config, optional unless the ConfigMap holds them", () => {
    expect(entryOf("general-agent", "LLM_API_KEY")?.valueFrom).toEqual({
      secretKeyRef: { name: "mesh-six-llm", key: "api-key", optional: true },
    });
    expect(entryOf("gateway", "MESH_API_KEYS")?.valueFrom).toEqual({
      secretKeyRef: { name: "mesh-six-api-keys", key: "keys" },
    });
    expect(entryOf("gateway", "TRUSTED_PROXIES")?.valueFrom).toEqual({
      configMapKeyRef: { name: "mesh-six-config", key: "TRUSTED_PROXIES" },
    });
    expect(entryOf("general-agent", "LLM_MODEL")?.valueFrom).toEqual({
      configMapKeyRef: { name: "mesh-six-config", key: "LLM_MODEL", optional: true },
    });
    const config = files.get("generated/config.yaml")![0] as Resource & { data: Record<string, string> };
    expect(Object.keys(config.data)).not.toContain("LLM_MODEL");
  });
});
