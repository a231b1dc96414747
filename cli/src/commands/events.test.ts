import { createManualClock } from "@mesh-six/shared/clock";
import { acceptedEntry, recordMeshEvent } from "@mesh-six/shared/log/event-log";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../mesh.ts";
import { runMesh } from "../run.ts";
import { type GatewayServer, startGatewayServer } from "../testing/gateway-server.ts";
import { createTestIo } from "../testing/io.ts";
import { formatRow, reconnectDelayMs } from "./events.ts";

const traceA = "0af7651916cd43dd8448eb211c80319c";
const traceB = "4bf92f3577b34da6a3ce929d0e0e4736";
const requested = "dev.meshsix.task.requested";

async function settle(until: () => boolean): Promise<void> {
  while (!until()) await new Promise((resolve) => setImmediate(resolve));
}

describe("mesh events tail", () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGatewayServer();
    await record(
      { kind: "event.accepted", traceId: traceA, eventType: requested, eventId: "e-1" },
      "00:00:01",
    );
    await record({ kind: "llm.call", traceId: traceA, functionName: "general-agent" }, "00:00:02");
    await record(
      { kind: "event.accepted", traceId: traceB, eventType: requested, eventId: "e-2" },
      "00:00:03",
    );
  });
  afterAll(() => server.close());

  async function record(entry: Parameters<typeof recordMeshEvent>[1], time: string) {
    await recordMeshEvent(server.ctx.db, entry);
    await server.ctx.db.query("UPDATE mesh_events SET at = $1 WHERE id = (SELECT max(id) FROM mesh_events)", [
      `2026-01-01T${time}Z`,
    ]);
  }

  async function mesh(...argv: string[]) {
    const io = createTestIo();
    const code = await runMesh([...argv, "--url", server.url], commands, io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it("prints the newest entries, one compact line each: time, kind, type, event id, short trace", async () => {
    expect(await mesh("events", "tail", "-n", "2")).toEqual({
      code: 0,
      stdout: [
        `2026-01-01T00:00:02.000Z  llm.call           ${"-".padEnd(36)}  ${"-".padEnd(36)}  0af76519`,
        `2026-01-01T00:00:03.000Z  event.accepted     ${requested.padEnd(36)}  ${"e-2".padEnd(36)}  4bf92f35`,
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("keeps the columns aligned for the longest kind and event type the mesh writes", () => {
    const lines = [
      {
        id: 1,
        at: "2026-01-01T00:00:01.000Z",
        kind: "handler.duplicate",
        eventType: requested,
        eventId: "e-1",
      },
      { id: 2, at: "2026-01-01T00:00:02.000Z", kind: "llm.call", traceId: traceA },
      {
        id: 3,
        at: "2026-01-01T00:00:03.000Z",
        kind: "event.accepted",
        eventType: "dev.knative.cli.plugin.event.generic",
        eventId: "e-3",
        traceId: traceB,
      },
    ].map(formatRow);
    const starts = (line: string) => [...line.matchAll(/ {2}(\S)/g)].map((match) => match.index);
    expect(starts(lines[0]!)).toEqual(starts(lines[1]!));
    expect(starts(lines[1]!)).toEqual(starts(lines[2]!));
  });

  it("filters by type, trace and kind, and prints JSON lines with --json", async () => {
    const typed = await mesh("events", "tail", "--type", requested);
    expect(
      typed.stdout
        .trimEnd()
        .split("\n")
        .map((line) => line.split(/\s+/)[3]),
    ).toEqual(["e-1", "e-2"]);
    const traced = await mesh("events", "tail", "--trace", traceA, "--kind", "llm.call", "--json");
    const rows = traced.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows).toMatchObject([{ kind: "llm.call", traceId: traceA, functionName: "general-agent" }]);
  });

  it("--json prints an accepted event with every attribute and its data byte for byte", async () => {
    const data = '{"n":12345678901234567890,"f":1.0,"b":1,"a":2,"a":3,"e":"\\u00e9"}';
    const event = {
      specversion: "1.0",
      id: "exact-1",
      source: "/s",
      type: "t",
      time: "2026-01-01T00:00:09Z",
      datacontenttype: "application/json",
      dataschema: "https://schemas.example/t.json",
      priority: 7,
      urgent: true,
      data: new TextEncoder().encode(data),
    };
    await record(acceptedEntry(event), "00:00:09");
    const { stdout } = await mesh("events", "tail", "--json", "-n", "1", "--kind", "event.accepted");
    expect(stdout).toContain(
      `"event":{"specversion":"1.0","id":"exact-1","source":"/s","type":"t","datacontenttype":"application/json","dataschema":"https://schemas.example/t.json","time":"2026-01-01T00:00:09Z","priority":7,"urgent":true,"data":${data}}`,
    );
    await server.ctx.db.query("DELETE FROM mesh_events WHERE event_id = 'exact-1'");
  });

  it("--trace takes the 8 digits a line prints, or any longer prefix, as the API's trace filter does", async () => {
    const short = traceA.slice(0, 8);
    const printed = await mesh("events", "tail");
    expect(printed.stdout).toContain(`  ${short}\n`);
    for (const prefix of [short, traceA.slice(0, 20), traceA]) {
      const traced = await mesh("events", "tail", "--trace", prefix);
      expect(traced.code, prefix).toBe(0);
      expect(
        traced.stdout
          .trimEnd()
          .split("\n")
          .map((line) => line.split(/\s+/)[1]),
        prefix,
      ).toEqual(["event.accepted", "llm.call"]);
    }
  });

  it.each<[string[], number, string]>([
    [
      ["--trace", "0af7651"],
      2,
      "--trace takes a W3C trace id, 32 lowercase hex digits, or its first 8 or more as printed (got '0af7651')",
    ],
    [["--trace", "0AF76519"], 2, "(got '0AF76519')"],
    [["-n", "0"], 2, "--lines must be a whole number from 1 to 1000 (got '0')"],
    [["--kind", ""], 2, "--kind must not be empty; leave it out to see all"],
  ])("%j fails with exit %i and says why", async (argv, code, message) => {
    const result = await mesh("events", "tail", ...argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it("--follow streams new entries, reopens a dropped stream after the last one seen, and stops on Ctrl-C", async () => {
    const interrupt = new AbortController();
    const clock = createManualClock();
    const io = createTestIo({ clock, signal: interrupt.signal });
    const running = runMesh(
      ["events", "tail", "--follow", "-n", "1", "--trace", traceA, "--url", server.url],
      commands,
      io,
    );
    await io.untilLines(1);
    expect(io.stdoutText()).toContain("llm.call");

    await settle(() => server.ctx.clock.pending === 1);
    await record({ kind: "llm.response", traceId: traceA }, "00:00:04");
    await record({ kind: "llm.response", traceId: traceB }, "00:00:05");
    await server.ctx.clock.advance(500);
    await io.untilLines(2);

    server.dropConnections();
    await settle(() => clock.pending === 1 && server.ctx.clock.pending === 0);
    await record({ kind: "state.transition", traceId: traceA }, "00:00:06");
    await clock.advance(reconnectDelayMs);
    await io.untilLines(3);

    interrupt.abort();
    expect(await running).toBe(0);
    await settle(() => server.ctx.clock.pending === 0);
    expect(
      io
        .stdoutText()
        .trimEnd()
        .split("\n")
        .map((line) => line.split(/\s+/).slice(0, 2)),
    ).toEqual([
      ["2026-01-01T00:00:02.000Z", "llm.call"],
      ["2026-01-01T00:00:04.000Z", "llm.response"],
      ["2026-01-01T00:00:06.000Z", "state.transition"],
    ]);
    expect(io.stderrText()).toBe("");
  });
});
