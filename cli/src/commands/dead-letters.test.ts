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

const reason =
  '{"error":"no image tag given;\n add payload.image such as api:1.2.3 and send the task again"}';

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
        body: reason,
      },
      { event: event("task-2", "dev.meshsix.task.completed"), trigger: null, status: undefined },
    ];
    for (const [index, failure] of failures.entries()) {
      const stored = await storeDeadLetter(server.ctx.db, {
        broker: "mesh-six/default",
        trigger: failure.trigger,
        event: withErrorExtensions(failure.event, {
          destination: "http://argocd-deployer.mesh-six.svc.cluster.local",
          ...(failure.status === undefined
            ? {}
            : { status: failure.status, body: new TextEncoder().encode(failure.body) }),
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
        "ID  WHEN                      TRIGGER                CODE  TYPE                         EVENT ID  REASON",
        `${second}   2026-01-01T12:01:00.000Z  -                      -     dev.meshsix.task.completed   task-2    -`,
        `${first}   2026-01-01T12:00:00.000Z  argocd-deployer-tasks  422   dev.meshsix.task.dispatched  task-1    {"error":"no image tag given; add payload.image such as api…`,
        "",
      ].join("\n"),
      stderr: "",
    });
    expect((await mesh("dead-letters", "list", "-n", "1")).stdout.trimEnd().split("\n")).toHaveLength(2);
  });

  it("shows one: when and where it failed, the error code, the reason as text, and the event", async () => {
    expect(await mesh("dead-letters", "show", ids[0]!)).toEqual({
      code: 0,
      stdout: [
        `Dead letter ${ids[0]} (not replayed)`,
        "  failed at:   2026-01-01T12:00:00.000Z, after 1 attempt",
        "  broker:      mesh-six/default",
        "  trigger:     argocd-deployer-tasks",
        "  subscriber:  http://argocd-deployer.mesh-six.svc.cluster.local",
        "  error code:  422",
        '  reason:      {"error":"no image tag given;',
        '                add payload.image such as api:1.2.3 and send the task again"}',
        "Event attributes:",
        "  specversion:       1.0",
        "  id:                task-1",
        "  source:            /mesh-six/orchestrator",
        "  type:              dev.meshsix.task.dispatched",
        "  datacontenttype:   application/json",
        "  knativeerrorcode:  422",
        "  knativeerrordest:  http://argocd-deployer.mesh-six.svc.cluster.local",
        "Event data:",
        "  {",
        '    "capability": "deploy-service"',
        "  }",
        "",
      ].join("\n"),
      stderr: "",
    });
    const timedOut = await mesh("dead-letters", "show", ids[1]!);
    expect(timedOut.stdout).toContain("  trigger:     -\n");
    expect(timedOut.stdout).toContain("  error code:  none\n");
    expect(timedOut.stdout).toContain("  reason:      none recorded (a timeout or a connection error)\n");
    const json = await mesh("dead-letters", "show", ids[0]!, "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ id: ids[0], errorCode: 422, errorText: reason });
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
    expect(all.stdout.split("\n")[0]).toMatch(/EVENT ID {2}REPLAYED +REASON$/);
    expect(all.stdout).toMatch(/task-1 +\d{4}-\d\d-\d\dT/);
  });

  it("replays one once: again only with --again", async () => {
    const twice = await mesh("dead-letters", "replay", ids[0]!);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(
      `/dead-letters/${ids[0]}/replay answered 409 Conflict: dead letter ${ids[0]} was replayed already (at 20`,
    );
    expect(twice.stderr).toContain(`(mesh dead-letters replay ${ids[0]} --again)`);
    expect(server.ctx.published.map((published) => published.id)).toEqual(["task-1"]);
    const again = await mesh("dead-letters", "replay", ids[0]!, "--again");
    expect(again.code).toBe(0);
    expect(server.ctx.published.map((published) => published.id)).toEqual(["task-1", "task-1"]);
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
    [
      ["show", "999"],
      1,
      "mesh dead-letters show: /dead-letters/999 answered 404 Not Found: no dead letter with id 999",
    ],
    [
      ["show", "latest"],
      2,
      "<id> must be a dead-letter id, a whole number as 'mesh dead-letters list' shows (got 'latest')",
    ],
    [["list", "--limit", "many"], 2, "--limit must be a whole number from 1 to 1000 (got 'many')"],
  ])("%j fails with exit %i and says why", async (argv, code, message) => {
    const result = await mesh("dead-letters", ...argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});
