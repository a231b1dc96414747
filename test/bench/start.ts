import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pgliteTemplate } from "@mesh-six/shared/db/pglite-template";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * `npm start` from spawn to its ready line, on a fresh MESH_DATA_DIR and again on the
 * same one (warm): the time, the resident memory at that moment and the most it had by
 * then (VmHWM). Baselines from the same run: `node -e 0`, and PGlite alone opening a copy
 * of the same database with the same settings (what the database costs before any of
 * mesh-six runs). The command is the `start` script of package.json, run with this Node
 * (npm's own start-up, about 0.3 s, is not counted). Targets: 2 s and 250 MB.
 */
const runs = Number(process.env.START_RUNS ?? 5);
const repository = fileURLToPath(new URL("../../", import.meta.url));
const targets = { readyMs: 2000, rssMb: 250 };

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
  readonly peakMb: number;
}

/** The `start` script's node arguments: `node --liftoff-only … cli/src/start.ts` → the part after `node`. */
function startCommand(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(repository, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [program, ...args] = scripts.start!.split(/\s+/);
  if (program !== "node")
    throw new Error(`the start script runs ${program}, not node: teach test/bench/start.ts`);
  return args;
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kilobytes = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kilobytes("VmRSS") / 1024, peakMb: kilobytes("VmHWM") / 1024 };
}

/** Spawns `args`, waits for `ready` in its output, measures, stops it (SIGTERM, then waits). */
async function untilReady(args: readonly string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Sample> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repository,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  try {
    return await new Promise<Sample>((resolve, reject) => {
      const check = (chunk: Buffer) => {
        output += chunk.toString();
        if (!ready.test(output)) return;
        const ms = performance.now() - started;
        resolve({ ms, ...memoryOf(child.pid!) });
      };
      child.stdout!.on("data", check);
      child.stderr!.on("data", check);
      child.once("exit", (code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)));
    });
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  }
}

async function bareNode(): Promise<Sample> {
  const peak = 'process.stdout.write("ready")';
  return untilReady(["-e", `${peak}; setInterval(() => {}, 1000)`], {}, /ready/);
}

function summary(samples: readonly Sample[]) {
  const pick = (key: keyof Sample) => samples.map((sample) => sample[key]);
  return {
    medianMs: round(percentile(pick("ms"), 50), 0),
    p90Ms: round(percentile(pick("ms"), 90), 0),
    rssAtReadyMb: round(percentile(pick("rssMb"), 50), 0),
    peakMb: round(percentile(pick("peakMb"), 50), 0),
  };
}

const work = mkdtempSync(join(tmpdir(), "mesh-six-start-bench-"));
try {
  const template = await pgliteTemplate();
  const args = startCommand();
  const environment = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? work,
    PORT: "0",
    LOG_LEVEL: "info",
  };
  const readyLine = /mesh-six is ready at/;
  // PGlite alone, as npm start opens it: the same flags, buffer pool and database (a copy of the template)
  const flags = args.filter((arg) => arg.startsWith("--") && arg !== "--import");
  const pgliteAlone = [
    ...flags,
    "--input-type=module",
    "-e",
    [
      'import { PGlite } from "@electric-sql/pglite";',
      'import { vector } from "@electric-sql/pglite-pgvector";',
      "const db = await PGlite.create({ dataDir: process.env.DATA, extensions: { vector },",
      '  startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"] });',
      'await db.query("SELECT 1"); process.stdout.write("pglite ready"); setInterval(() => {}, 1000);',
    ].join("\n"),
  ];
  // a first start, so Node's compile cache holds what npm start loads, as after any first start
  await untilReady(args, { ...environment, MESH_DATA_DIR: join(work, "warm-up") }, readyLine);

  const fresh: Sample[] = [];
  const warm: Sample[] = [];
  const alone: Sample[] = [];
  const bare: Sample[] = [];
  // interleaved, so drift on a busy machine affects all of them alike
  for (let run = 0; run < runs; run += 1) {
    const dataDir = join(work, `data-${run}`);
    bare.push(await bareNode());
    fresh.push(await untilReady(args, { ...environment, MESH_DATA_DIR: dataDir }, readyLine));
    warm.push(await untilReady(args, { ...environment, MESH_DATA_DIR: dataDir }, readyLine));
    const copy = join(work, `pglite-${run}`);
    cpSync(template, copy, { recursive: true });
    alone.push(
      await untilReady(pgliteAlone, { PATH: environment.PATH, DATA: copy, NODE_PATH: "" }, /pglite ready/),
    );
  }
  const freshSummary = summary(fresh);
  const warmSummary = summary(warm);
  const aloneSummary = summary(alone);
  const bareSummary = summary(bare);
  writeResult("start", {
    runs,
    what: "npm start (the start script's command) from spawn to its ready line: time, RSS at that moment and VmHWM (the most it held by then), on a fresh MESH_DATA_DIR (copied from the migrated template, made once per PGlite and migration set) and warm (the same folder again); baselines: PGlite alone opening a copy of the same database with the same flags and buffer pool, and node -e 0",
    command: `node ${args.join(" ")}`,
    targets,
    fresh: freshSummary,
    warm: warmSummary,
    pgliteAlone: aloneSummary,
    bareNode: bareSummary,
    freshVsPgliteAlone: {
      time: round(freshSummary.medianMs / aloneSummary.medianMs, 2),
      rss: round(freshSummary.rssAtReadyMb / aloneSummary.rssAtReadyMb, 2),
    },
    meetsTargets: {
      freshReady: freshSummary.medianMs <= targets.readyMs,
      rssAtReady: freshSummary.rssAtReadyMb <= targets.rssMb && warmSummary.rssAtReadyMb <= targets.rssMb,
    },
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
