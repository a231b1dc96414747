import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type Command, UsageError } from "./command.ts";
import { commands } from "./mesh.ts";
import { runMesh } from "./run.ts";
import { createTestIo } from "./testing/io.ts";

/** A command that reports what it was given, to check the dispatch alone. */
function echo(name: string, positionals: Command["positionals"] = []): Command {
  return {
    name,
    summary: `the ${name} command`,
    options: { count: { type: "string", short: "c", placeholder: "n", description: "a count" } },
    positionals,
    async run(input, io) {
      if (input.values.count === "bad") throw new UsageError("--count must be a number");
      io.stdout(`${name}|${input.positionals.join(",")}|${input.values.count ?? ""}|${input.url.href}\n`);
    },
  };
}
const registry = [
  echo("alpha"),
  echo("group one", [{ name: "id", description: "which one" }]),
  echo("group two"),
];

async function mesh(argv: string[], env: Record<string, string> = {}) {
  const io = createTestIo({ env });
  const code = await runMesh(argv, registry, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe("mesh command dispatch", () => {
  it("runs the command its words name, with options and --url before or after", async () => {
    expect((await mesh(["alpha", "-c", "3"])).stdout).toBe("alpha||3|http://localhost:8080/\n");
    expect((await mesh(["--url", "http://a:1", "group", "one", "7"])).stdout).toBe(
      "group one|7||http://a:1/\n",
    );
    expect((await mesh(["group", "one", "--url=http://b:2", "8", "--count", "1"])).stdout).toBe(
      "group one|8|1|http://b:2/\n",
    );
    expect((await mesh(["alpha"], { MESH_URL: "https://mesh.example.com" })).stdout).toBe(
      "alpha|||https://mesh.example.com/\n",
    );
  });

  it("prints help on --help, exit 0", async () => {
    const overview = await mesh(["--help"]);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain("Usage: mesh <command> [options]");
    expect(overview.stdout).toContain("  group one  the group one command");
    const group = await mesh(["group", "-h"]);
    expect(group.stdout).toContain("Usage: mesh group <command>");
    expect(group.stdout).not.toContain("alpha");
    const command = await mesh(["group", "one", "--help"]);
    expect(command.stdout).toContain("Usage: mesh group one <id> [options]");
    expect(command.stdout).toContain("  -c, --count <n>  a count");
    expect(command.stdout).toContain("      --url <url>  the mesh's HTTP address");
  });

  it.each<[string[], string]>([
    [[], "mesh: no command given"],
    [
      ["beta"],
      "mesh: unknown command 'beta'; known: alpha, group one, group two\nRun 'mesh --help' for usage.\n",
    ],
    [
      ["group"],
      "mesh group: missing command; one of: group one, group two\nRun 'mesh group --help' for usage.\n",
    ],
    [["group", "three"], "mesh: unknown command 'group three'; known: group one, group two"],
    [
      ["--verbose", "alpha"],
      "unknown option '--verbose' before the command; global options are --url and --help",
    ],
    [["alpha", "--verbose"], "mesh alpha: unknown option '--verbose'\nRun 'mesh alpha --help' for usage.\n"],
    [["alpha", "x"], "mesh alpha: unexpected argument 'x'; this command takes no arguments"],
    [["group", "one"], "mesh group one: missing <id>: which one"],
    [["group", "one", "1", "2"], "mesh group one: unexpected argument '2'; this command takes 1"],
    [
      ["alpha", "--url", "localhost:8080"],
      "--url must be an http(s) URL such as http://localhost:8080 (got 'localhost:8080')",
    ],
    [["alpha", "-c", "bad"], "mesh alpha: --count must be a number\nRun 'mesh alpha --help' for usage.\n"],
    [
      ["alpha", "--count", "-1"],
      "mesh alpha: --count needs a value (<n>), but '-1' starts with '-' and reads as an option; write --count=-1 if you really mean it as the value\n",
    ],
    [["alpha", "-c", "-2"], "mesh alpha: --count needs a value (<n>), but '-2' starts with '-'"],
    [
      ["alpha", "--count", "--url=http://a"],
      "mesh alpha: --count needs a value (<n>), but is followed by the option '--url=http://a'; write --count <n> --url=http://a\n",
    ],
    [["alpha", "--count"], "mesh alpha: --count needs a value: --count <n>\n"],
    [["alpha", "--help=yes"], "mesh alpha: --help is a switch and takes no value; write --help alone\n"],
  ])("%j is bad input: exit 2 and what to do", async (argv, message) => {
    const result = await mesh(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
  });

  it("runs a command whose last positional is optional with or without it, and shows it in brackets", async () => {
    const maybe = [echo("maybe", [{ name: "id", description: "which one", optional: true }])];
    const run = async (argv: string[]) => {
      const io = createTestIo();
      return { code: await runMesh(argv, maybe, io), stdout: io.stdoutText() };
    };
    expect(await run(["maybe"])).toEqual({ code: 0, stdout: "maybe|||http://localhost:8080/\n" });
    expect(await run(["maybe", "7"])).toEqual({ code: 0, stdout: "maybe|7||http://localhost:8080/\n" });
    expect((await run(["maybe", "--help"])).stdout).toContain("Usage: mesh maybe [<id>] [options]");
  });

  it("has help for every real command", async () => {
    for (const command of commands) {
      const io = createTestIo();
      expect(await runMesh([...command.name.split(" "), "--help"], commands, io)).toBe(0);
      expect(io.stdoutText()).toContain(`Usage: mesh ${command.name}`);
    }
  });
});

describe("the mesh bin", () => {
  it("runs through npx: --help exits 0, a bad flag exits 2 with the reason", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const run = (...argv: string[]) =>
      spawnSync("npx", ["--no-install", "mesh", ...argv], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env },
      });
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: mesh <command> [options]");
    expect(help.stdout).toContain("dead-letters replay");
    const bad = run("send", "--bogus");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("mesh send: unknown option '--bogus'\nRun 'mesh send --help' for usage.");
  });
});
