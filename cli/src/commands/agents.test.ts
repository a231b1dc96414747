import { type ArgoCdApi, startArgoCdApi } from "@mesh-six/integration-argocd/testing";
import { registerAgents } from "@mesh-six/shared/registry/agents";
import { recordResult } from "@mesh-six/shared/registry/history";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { type GatewayServer, startGatewayServer } from "../testing/gateway-server.ts";
import { createTestIo } from "../testing/io.ts";

describe("mesh agents and mesh scores", () => {
  let server: GatewayServer;
  let argocd: ArgoCdApi;
  beforeAll(async () => {
    argocd = await startArgoCdApi();
    server = await startGatewayServer();
    const { db, clock } = server.ctx;
    await registerAgents(
      db,
      [
        {
          name: "argocd-deployer",
          description: "test",
          capabilities: [{ name: "deploy-service", weight: 0.9, dependencies: ["argocd"] }],
          dependencyChecks: [{ name: "argocd", url: `${argocd.url}/healthz` }],
        },
        {
          name: "kubectl-deployer",
          description: "test",
          capabilities: [
            { name: "deploy-service", weight: 0.7, preferred: true },
            { name: "debug-pods", weight: 1 },
          ],
        },
      ],
      { now: clock.now() },
    );
    for (const [index, success] of [true, true, false, false].entries()) {
      await recordResult(db, {
        taskId: `t${index}`,
        attempt: 1,
        agentId: "argocd-deployer",
        capability: "deploy-service",
        success,
        at: clock.now() + index,
      });
    }
  });
  afterAll(async () => {
    await server.close();
    await argocd.close();
  });

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh([...argv, "--url", server.url], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("prints the agents and their capabilities as a table", async () => {
    expect(await mesh("agents")).toEqual({
      code: 0,
      stdout: [
        "AGENT             STATUS  CAPABILITY      WEIGHT           DEPENDS ON",
        "argocd-deployer   active  deploy-service  0.9              argocd",
        "kubectl-deployer  active  deploy-service  0.7 (preferred)  -",
        "                          debug-pods      1                -",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("prints the score cards of a capability, best first, marking the leader and recovering agents", async () => {
    const rate = (0.95 ** 2 + 0.95 ** 3) / (1 + 0.95 + 0.95 ** 2 + 0.95 ** 3);
    expect(await mesh("scores", "deploy-service")).toEqual({
      code: 0,
      stdout: [
        "AGENT             FINAL   WEIGHT  HEALTH  RATE    BOOST  SAMPLES  NOTE",
        "kubectl-deployer  0.7350  0.7*    1       1.0000  1      0        leader",
        `argocd-deployer   ${(0.9 * rate).toFixed(4)}  0.9     1       ${rate.toFixed(4)}  1      4        recovering`,
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it.each(["", "  "])("refuses an empty capability %j with exit 2, before asking the mesh", async (name) => {
    const answer = await mesh("scores", name);
    expect(answer).toMatchObject({ code: 2, stdout: "" });
    expect(answer.stderr).toContain(
      "mesh scores: <capability> must not be empty; name one, e.g. deploy-service ('mesh agents' lists them)",
    );
  });

  it("prints the score cards as JSON with --json, numbers rounded to 4 decimals", async () => {
    const answer = await mesh("scores", "deploy-service", "--json");
    expect(answer.code).toBe(0);
    const { cards } = JSON.parse(answer.stdout) as { cards: { agentId: string; final: number }[] };
    // 0.7 × 1.05 is 0.7350000000000001 in floating point
    expect(cards[0]).toMatchObject({ agentId: "kubectl-deployer", final: 0.735 });
    for (const card of cards) expect(String(card.final)).toMatch(/^\d\.\d{1,4}$|^[01]$/);
  });

  it("says which capabilities exist when asked about one nobody offers", async () => {
    const answer = await mesh("scores", "make-coffee");
    expect(answer.code).toBe(1);
    expect(answer.stderr).toContain("capabilities on offer: debug-pods, deploy-service");
  });
});
