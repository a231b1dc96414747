import { createMemory } from "@mesh-six/shared/memory/create";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { type GatewayServer, startGatewayServer } from "../testing/gateway-server.ts";
import { createTestIo } from "../testing/io.ts";

describe("mesh memory", () => {
  let server: GatewayServer;
  let conciseId: string;
  beforeAll(async () => {
    server = await startGatewayServer();
    const memory = createMemory({ db: server.ctx.db, config: server.ctx.config, clock: server.ctx.clock });
    const general = memory.forAgent("general-agent");
    const concise = await general.remember("The user prefers concise answers.", { userId: "u1" });
    conciseId = concise!.memory.id;
    await general.remember("The user prefers detailed answers.", { userId: "u2" });
    await memory.forAgent("architect").remember("Chose Kafka for the event bus.", { userId: "u2" });
  });
  afterAll(() => server.close());

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh([...argv, "--url", server.url], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("searches by similarity for a user, best first, noting the local embedder", async () => {
    const { code, stdout, stderr } = await mesh("memory", "search", "concise answers", "--user", "u1");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+SCORE\s+AGENT\s+USER\s+MEMORY$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(`^${conciseId}  0\\.\\d{3}  general-agent  u1    The user prefers concise answers\\.$`),
    );
    expect(stderr).toContain("note: the deterministic local embedder");
    expect((await mesh("memory", "search", "quarterly revenue")).stdout).toBe("No memory matches.\n");
  });

  it("lists a user's memories", async () => {
    const { stdout } = await mesh("memory", "list", "--user", "u2", "--agent", "architect");
    expect(stdout).toContain("Chose Kafka for the event bus.");
    expect(stdout).not.toContain("detailed");
  });

  it("forgets one memory by id, then says there is none", async () => {
    expect(await mesh("memory", "forget", conciseId)).toEqual({
      code: 0,
      stdout: `Forgot memory ${conciseId} (general-agent): The user prefers concise answers.\n`,
      stderr: "",
    });
    const again = await mesh("memory", "forget", conciseId);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `mesh memory forget: /memories/${conciseId} answered 404 Not Found: no memory with id ${conciseId}; list them with GET /memories\n`,
    );
    const invalid = await mesh("memory", "forget", "42");
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      "<id> must be a memory id, a UUID as 'mesh memory list' shows (got '42')",
    );
  });

  it.each<[string, string[], string]>([
    [
      "an empty query",
      ["search", ""],
      "mesh memory search: <query> must not be empty; 'mesh memory list' lists memories without one",
    ],
    [
      "a blank query",
      ["search", "   "],
      "mesh memory search: <query> must not be empty; 'mesh memory list' lists memories without one",
    ],
    [
      "a query over 2000 characters",
      ["search", "x".repeat(2001)],
      "mesh memory search: <query> must be at most 2000 characters (got 2001)",
    ],
    [
      "an empty --user",
      ["search", "k3s", "--user", ""],
      "mesh memory search: --user must not be empty; leave it out for everyone's",
    ],
    [
      "an empty --agent",
      ["list", "--agent", ""],
      "mesh memory list: --agent must not be empty; leave it out for every agent's",
    ],
    [
      "a --user over 200 characters",
      ["list", "--user", "u".repeat(201)],
      "mesh memory list: --user must be at most 200 characters (got 201)",
    ],
    [
      "a --limit over 100",
      ["list", "--limit", "101"],
      "mesh memory list: --limit must be a whole number from 1 to 100 (got '101')",
    ],
    ["an empty user", ["forget-user", ""], "mesh memory forget-user: <user> must not be empty"],
    [
      "an empty --agent to forget-user",
      ["forget-user", "u1", "--agent", ""],
      "mesh memory forget-user: --agent must not be empty",
    ],
    [
      "an id that is no UUID the mesh issues",
      ["forget", "00000000-0000-0000-0000-000000000001"],
      "mesh memory forget: <id> must be a memory id, a UUID as 'mesh memory list' shows (got '00000000-0000-0000-0000-000000000001')",
    ],
  ])("refuses %s with exit 2, before asking the mesh", async (_name, argv, message) => {
    const result = await mesh("memory", ...argv);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(`${message}\n`);
  });

  it("forgets every memory of a user", async () => {
    expect((await mesh("memory", "forget-user", "u2")).stdout).toBe("Forgot 2 memories of u2.\n");
    expect((await mesh("memory", "list")).stdout).toBe("No memories.\n");
  });
});
