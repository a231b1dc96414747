import type { MeshEvent } from "@mesh-six/events";
import { storeDeadLetter, withErrorExtensions } from "@mesh-six/shared/broker/dead-letters";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { type GatewayServer, startGatewayServer } from "../testing/gateway-server.ts";
import { createTestIo } from "../testing/io.ts";

const event = (id: string, type: string): MeshEvent => ({
  specversion: "1.0",
  id,
  source: "/mesh-six/orchestrator",
  type,
  data: { capability: "deploy-service" },
});

describe("mesh dead-letters", () => {
  let server: GatewayServer;
  const ids: string[] = [];
  beforeAll(async () => {
    server = await startGatewayServer();
    const failures = [
      {
        event: event("task-1", "dev.meshsix.task.dispatched"),
        trigger: "argocd-deployer-tasks",
        status: 422,
      },
      { event: event("task-2", "dev.meshsix.task.completed"), trigger: null, status: undefined },
    ];
    for (const [index, failure] of failures.entries()) {
      const stored = await storeDeadLetter(server.ctx.db, {
        broker: "mesh-six/default",
        trigger: failure.trigger,
        event: withErrorExtensions(failure.event, {
          destination: "http://argocd-deployer.mesh-six.svc.cluster.local",
          ...(failure.status === undefined ? {} : { status: failure.status }),
        }),
        attempts: 1,
        at: Date.UTC(2026, 0, 1, 12, index),
      });
      ids.push(stored.id);
    }
  });
  afterAll(() => server.close());

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh([...argv, "--url", server.url], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("lists them as a table, newest first", async () => {
    const [first, second] = ids;
    expect(await mesh("dead-letters", "list")).toEqual({
      code: 0,
      stdout: [
        "ID  WHEN                      TRIGGER                CODE  TYPE                         EVENT ID",
        `${second}   2026-01-01T12:01:00.000Z  -                      -     dev.meshsix.task.completed   task-2`,
        `${first}   2026-01-01T12:00:00.000Z  argocd-deployer-tasks  422   dev.meshsix.task.dispatched  task-1`,
        "",
      ].join("\n"),
      stderr: "",
    });
    expect((await mesh("dead-letters", "list", "-n", "1")).stdout.trimEnd().split("\n")).toHaveLength(2);
  });

  it("replays one onto the broker, after which the list leaves it out unless --all", async () => {
    const replayed = await mesh("dead-letters", "replay", ids[0]!);
    expect(replayed).toEqual({
      code: 0,
      stdout: `Replayed dead letter ${ids[0]}: event task-1 (dev.meshsix.task.dispatched) is on the broker again.\n`,
      stderr: "",
    });
    expect(server.ctx.published.map((published) => published.id)).toEqual(["task-1"]);
    expect((await mesh("dead-letters", "list")).stdout).not.toContain("task-1");
    const all = await mesh("dead-letters", "list", "--all");
    expect(all.stdout.split("\n")[0]).toMatch(/EVENT ID {2}REPLAYED$/);
    expect(all.stdout).toMatch(/task-1 +\d{4}-\d\d-\d\dT/);
  });

  it("says when there are none", async () => {
    await mesh("dead-letters", "replay", ids[1]!);
    expect((await mesh("dead-letters", "list")).stdout).toBe(
      "No dead letters waiting (--all shows replayed ones).\n",
    );
  });

  it.each<[string[], number, string]>([
    [
      ["replay", "999"],
      1,
      "mesh dead-letters replay: /dead-letters/999/replay answered 404 Not Found: no dead letter with id 999",
    ],
    [
      ["replay", "x1"],
      2,
      "<id> must be a dead-letter id, a whole number as 'mesh dead-letters list' shows (got 'x1')",
    ],
    [["replay"], 2, "missing <id>"],
    [["list", "--limit", "many"], 2, "--limit must be a whole number from 1 to 1000 (got 'many')"],
  ])("%j fails with exit %i and says why", async (argv, code, message) => {
    const result = await mesh("dead-letters", ...argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});
