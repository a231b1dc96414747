import { defineFunction } from "@mesh-six/shared/function/define";
import { describe, expect, it } from "vitest";
import { agentRegistrations, migrateEntry } from "./entry.ts";

describe("the migration Job's entry", () => {
  const deployer = defineFunction({
    name: "argocd-deployer",
    description: "deploys through ArgoCD",
    capabilities: [{ name: "deploy-service", weight: 0.9, dependencies: ["argocd"] }],
    dependencyChecks: [{ name: "argocd", url: "{ARGOCD_SERVER_URL}/api/version", expectStatus: 200 }],
    handler: () => [],
  });
  const router = defineFunction({ name: "router", description: "no capabilities", handler: () => [] });

  it("inlines every agent's capabilities and dependency checks as data, and no function code", () => {
    expect(agentRegistrations([deployer, router])).toEqual([
      {
        name: "argocd-deployer",
        description: "deploys through ArgoCD",
        capabilities: [{ name: "deploy-service", weight: 0.9, dependencies: ["argocd"] }],
        dependencyChecks: [{ name: "argocd", url: "{ARGOCD_SERVER_URL}/api/version", expectStatus: 200 }],
      },
    ]);
    const entry = migrateEntry([], [deployer, router]);
    expect(entry).toContain('"dependencyChecks":[{"name":"argocd","url":"{ARGOCD_SERVER_URL}/api/version"');
    expect(entry).not.toContain("handler");
  });
});
