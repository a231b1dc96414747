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

  it("forgets every memory of a user", async () => {
    expect((await mesh("memory", "forget-user", "u2")).stdout).toBe("Forgot 2 memories of u2.\n");
    expect((await mesh("memory", "list")).stdout).toBe("No memories.\n");
  });
});
