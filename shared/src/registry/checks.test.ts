import { migrate } from "@mesh-six/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDb } from "../db/pglite.ts";
import type { DependencyCheck, FunctionDefinition } from "../function/define.ts";
import type { Db } from "../ports/db.ts";
import { agentsOffering, listAgents, registerAgents } from "./agents.ts";
import { registeredCheck, resolveCheckUrl, variablesOf } from "./checks.ts";

const deployer = (checks: DependencyCheck[], dependencies = checks.map((check) => check.name)) =>
  ({
    name: "argocd-deployer",
    description: "deploys through ArgoCD",
    capabilities: [{ name: "deploy-service", weight: 0.9, dependencies }],
    dependencyChecks: checks,
  }) satisfies FunctionDefinition;

describe("declarative dependency checks", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
  });
  afterAll(() => db.close());

  it("are written to the registry with their defaults, and handed to routing with the capability", async () => {
    await registerAgents(
      db,
      [
        deployer([
          { name: "argocd", url: "{ARGOCD_SERVER_URL}/api/version" },
          {
            name: "session",
            url: "https://argocd.example/api/v1/session",
            expectStatus: 401,
            timeoutMs: 2_000,
          },
        ]),
      ],
      { now: Date.UTC(2026, 0, 1) },
    );
    const [agent] = await listAgents(db);
    expect(agent?.dependencyChecks).toEqual([
      {
        name: "argocd",
        url: "{ARGOCD_SERVER_URL}/api/version",
        expectStatus: { min: 200, max: 299 },
        timeoutMs: 750,
      },
      {
        name: "session",
        url: "https://argocd.example/api/v1/session",
        expectStatus: { min: 401, max: 401 },
        timeoutMs: 2_000,
      },
    ]);
    const [candidate] = await agentsOffering(db, "deploy-service");
    expect(candidate?.checks.map((check) => check.name)).toEqual(["argocd", "session"]);
    // registered again without the checks (a new deploy), they are gone from the registry
    await registerAgents(db, [{ ...deployer([]), dependencyChecks: [] }], { now: Date.UTC(2026, 0, 2) });
    expect((await listAgents(db))[0]?.dependencyChecks).toEqual([]);
  });

  it("stop registration, saying what to fix, when a check cannot be run", async () => {
    const cases: [DependencyCheck[], string[] | undefined, RegExp][] = [
      [[{ name: "argocd", url: "" }], undefined, /"argocd" has no url; give the URL to GET/],
      [[{ name: "argocd", url: "argocd:8080/api" }], undefined, /neither an http\(s\) URL nor one starting/],
      [[{ name: "argocd", url: "{argocd-url}/api" }], undefined, /malformed placeholder .*write \{NAME\}/],
      [[{ name: "argocd", url: "{ARGOCD/api" }], undefined, /malformed placeholder/],
      [[{ name: "argocd", url: "http://a/", expectStatus: [300, 200] }], undefined, /within 100–599/],
      [[{ name: "argocd", url: "http://a/", expectStatus: 700 }], undefined, /within 100–599/],
      [
        [{ name: "argocd", url: "http://a/", timeoutMs: 60_000 }],
        undefined,
        /from 1 to 5000 \(routing waits/,
      ],
      [[{ name: "", url: "http://a/" }], [], /has no name/],
      [
        [
          { name: "argocd", url: "http://a/" },
          { name: "argocd", url: "http://b/" },
        ],
        undefined,
        /"argocd" is declared twice/,
      ],
      [
        [{ name: "argocd", url: "http://a/" }],
        ["gitea"],
        /depends on "gitea", which is not one of its dependencyChecks \(argocd\)/,
      ],
    ];
    for (const [checks, dependencies, reason] of cases) {
      await expect(registerAgents(db, [deployer(checks, dependencies)], { now: 0 })).rejects.toThrow(reason);
    }
  });

  it("fill their URLs in from the environment of the function running them", () => {
    const env: Record<string, string> = {
      ARGOCD_SERVER_URL: "http://argocd-server.argocd.svc",
      PORT_NAME: "api",
    };
    const variable = (name: string) => env[name];
    expect(variablesOf("{ARGOCD_SERVER_URL}/{PORT_NAME}/{ARGOCD_SERVER_URL}")).toEqual([
      "ARGOCD_SERVER_URL",
      "PORT_NAME",
    ]);
    expect(resolveCheckUrl("{ARGOCD_SERVER_URL}/api/version", variable)).toEqual({
      url: "http://argocd-server.argocd.svc/api/version",
    });
    expect(resolveCheckUrl("https://gitea.example/api/healthz", variable)).toEqual({
      url: "https://gitea.example/api/healthz",
    });
    expect(resolveCheckUrl("{GITEA_URL}/api/healthz", variable)).toEqual({
      problem: expect.stringMatching(/^GITEA_URL is not set in this function's environment/),
    });
    expect(resolveCheckUrl("{PORT_NAME}/healthz", variable)).toEqual({
      problem: "{PORT_NAME}/healthz, filled in from PORT_NAME, is not an http(s) URL",
    });
    expect(registeredCheck({ name: "x", url: "{A}{B}" })).toMatchObject({ url: "{A}{B}" });
  });
});
