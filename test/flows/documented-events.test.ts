import { commands } from "@mesh-six/cli/mesh";
import { runMesh } from "@mesh-six/cli/run";
import { createTestIo } from "@mesh-six/cli/testing/io";
import { TaskDispatched, TaskRequested } from "@mesh-six/events";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DocumentedCommand,
  documentedCommands,
  flagValue,
  shellWords,
} from "../support/documented-commands.ts";

const readme = new URL("../../README.md", import.meta.url);
const deploy = new URL("../../docs/deploy.md", import.meta.url);
const documentedUrl = "http://localhost:8080";

const knSends = [
  ...documentedCommands(readme, "kn event send"),
  ...documentedCommands(deploy, "kn event send"),
];
const sendCommand = commands.find((command) => command.name === "send")!;
const helpSends: DocumentedCommand[] = (sendCommand.examples ?? []).map((text) => ({
  where: "mesh send --help",
  text,
  words: shellWords(text),
}));

/**
 * The event-sending examples of the README, docs/deploy.md and `mesh send --help`, run as
 * written (kn's through `mesh send`, which takes kn's flags) against the embedded host:
 * every one is accepted, and every task it starts succeeds.
 */
describe("the documented event examples", () => {
  let host: EmbeddedHost;
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    host = await startEmbeddedHost({
      functions: [orchestrator, gateway, generalAgent],
      environment: {},
      db: await createPgliteDb(),
      kv: createMemoryKv(),
      logger: silentLogger,
    });
    server = await serveHost(host, 0, "127.0.0.1");
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await host?.stop();
  });

  it("finds the examples: two in the README, one in docs/deploy.md, three in mesh send --help", () => {
    expect(knSends.map((command) => command.where)).toEqual(["README.md", "README.md", "docs/deploy.md"]);
    expect(helpSends).toHaveLength(3);
  });

  it("gives kn only the flags kn 1.16 and later have: a URL goes with --to, there is no --to-url", () => {
    for (const command of knSends) expect(command.words, command.text).not.toContain("--to-url");
  });

  for (const command of [...knSends, ...helpSends]) {
    it(`${command.where}: ${command.words.slice(0, 4).join(" ")} … is accepted, and the task it asks for succeeds`, async () => {
      const rest = command.words.slice(command.words[0] === "kn" ? 3 : 2);
      const argv = ["send", ...rest.map((word) => word.replace(documentedUrl, url)), "--url", url];
      const io = createTestIo();
      const code = await runMesh(argv, commands, io);
      expect({ code, stderr: io.stderrText() }, command.text).toEqual({ code: 0, stderr: "" });
      const id = io.stdoutText().trim();
      if (flagValue(command.words, "--type") !== TaskRequested.type) return;
      const response = await fetch(`${url}/tasks/${encodeURIComponent(id)}?wait=10`);
      const task = (await response.json()) as { status: string; error?: unknown };
      expect(task, command.text).toMatchObject({ status: "succeeded" });
    });
  }

  it("docs/deploy.md: the task.requested kn func invoke sends is taken by the orchestrator, which dispatches it", async () => {
    const invokes = documentedCommands(deploy, "kn func invoke").filter((command) =>
      command.words.includes("--type"),
    );
    expect(invokes.map((command) => flagValue(command.words, "--type"))).toEqual([TaskRequested.type]);
    const [invoke] = invokes;
    expect(flagValue(invoke!.words, "--target")).toMatch(/^http:\/\/orchestrator\./);
    const event = {
      specversion: "1.0",
      id: crypto.randomUUID(),
      source: "/docs/kn-func-invoke",
      type: flagValue(invoke!.words, "--type")!,
      datacontenttype: flagValue(invoke!.words, "--content-type")!,
      data: JSON.parse(flagValue(invoke!.words, "--data")!),
    };
    const answer = await host.runtimes.get("orchestrator")!.subscriber(event, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(answer.status).toBe(200);
    const { rows } = await host.db.query<{ type: string }>(
      "SELECT event->>'type' AS type FROM outbox WHERE cause_id = $1",
      [event.id],
    );
    expect(rows.map((row) => row.type)).toContain(TaskDispatched.type);
  });
});
