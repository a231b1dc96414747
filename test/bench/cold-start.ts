import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fleet } from "@mesh-six/fleet";
import { bundleContents } from "@mesh-six/knative/bundle/contents";
import { startBundleEnvironment } from "@mesh-six/knative/testing/environment";
import { freePort, isolate, runBundle, waitForOutput } from "@mesh-six/knative/testing/processes";
import { deliver, sampleEventFor, testSecrets } from "@mesh-six/knative/testing/samples";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { buildFloors, type FloorName, floorNames, stackBundleKiB } from "./support/cold-start-floors.ts";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * Cold start of every function as Knative starts it: per function, the bundle's size, the
 * time from spawning the process to the answer to its first event (a binary-mode
 * CloudEvent it subscribes to; GET /healthz for functions without a handler) and the
 * process's peak RSS by then, for the bundle alone in an empty directory as the image holds
 * it (`node index.mjs`, the image's command, with the compile cache its build wrote; the
 * same without that cache; and `functions-framework --target=<name> --source=index.mjs`, as
 * buildpacks run it) and for the same function started unbundled from its TypeScript
 * source, next to a bare `node -e 0` measured in the same run; and what takes the room in
 * each bundle (its esbuild metafile). Next to them, the floors every function stands on
 * (cold-start-floors.ts: Node's HTTP server, the functions-framework's, its Fetch-API
 * adapter, a Postgres connection), bundled and started the same way and sent the same
 * request, so the report says how much of a cold start is mesh-six's own. Each process is
 * sent its request a second time once it has answered (warm). Postgres is PGlite served
 * over the wire in this process. COLD_START_FUNCTIONS=<name>,… measures only those.
 * Targets: a bundle of at most 1 MiB, a cold start at most 2x `node -e 0`.
 */
const runs = Number(process.env.COLD_START_RUNS ?? 7);
const repository = fileURLToPath(new URL("../../", import.meta.url));
const frameworkCli = fileURLToPath(
  new URL("node_modules/.bin/functions-framework", new URL("../../", import.meta.url)),
);
const targets = { bundleKiB: 1024, vsBareNode: 2 };

interface Sample {
  /** Spawn → the answer to the first event. */
  readonly ms: number;
  /** Spawn → listening (configuration read, database connected). */
  readonly readyMs?: number;
  /** The same request once more, sent after the first answer. */
  readonly warmMs?: number;
  readonly peakRssMb: number;
}

function summary(samples: readonly Sample[]) {
  const ms = samples.map((sample) => sample.ms);
  const rss = samples.map((sample) => sample.peakRssMb);
  const ready = samples.flatMap((sample) => (sample.readyMs === undefined ? [] : [sample.readyMs]));
  const warm = samples.flatMap((sample) => (sample.warmMs === undefined ? [] : [sample.warmMs]));
  return {
    ...(ready.length > 0 ? { readyMedianMs: round(percentile(ready, 50), 1) } : {}),
    ...(warm.length > 0 ? { warmMedianMs: round(percentile(warm, 50), 1) } : {}),
    medianMs: round(percentile(ms, 50), 1),
    p90Ms: round(percentile(ms, 90), 1),
    minMs: round(Math.min(...ms), 1),
    peakRssMb: round(percentile(rss, 50), 1),
  };
}

/** VmHWM: the most resident memory the process has had (Linux). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kilobytes / 1024;
}

async function bareNode(): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  const ms = performance.now() - started;
  // the child reads its own VmHWM: resourceUsage().maxRSS would count the parent's pages from before exec
  const peak =
    'process.stdout.write(/VmHWM:\\s+(\\d+)/.exec(require("fs").readFileSync("/proc/self/status", "utf8"))[1])';
  const measured = spawn(process.execPath, ["-e", peak]);
  let text = "";
  measured.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  await new Promise((resolve) => measured.once("exit", resolve));
  return { ms, peakRssMb: Number(text) / 1024 };
}

interface Launch {
  readonly directory: string;
  readonly args: readonly string[];
  /** What the process prints once it listens; `<port>` stands for its port. */
  readonly ready: string;
}

/** Spawn → listening → the answer to `request` (the function's first event, or GET /healthz). */
async function firstAnswer(
  launch: Launch,
  request: (url: string) => Promise<Response>,
  env: Record<string, string>,
): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = runBundle(launch.directory, { ...env, PORT: String(port) }, launch.args);
  try {
    await waitForOutput(child, launch.ready.replace("<port>", String(port)));
    const readyMs = performance.now() - started;
    const response = await request(`http://127.0.0.1:${port}`);
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200)
      throw new Error(`${launch.args.join(" ")} answered ${response.status}: ${text}`);
    const peak = peakRssMb(child.process.pid!);
    // the same request again, now warm: what the first answer cost beyond the work itself
    const warmStarted = performance.now();
    await (await request(`http://127.0.0.1:${port}`)).text();
    return { ms, readyMs, warmMs: performance.now() - warmStarted, peakRssMb: peak };
  } finally {
    await child.stop();
  }
}

/**
 * What a function is sent first: a CloudEvent it subscribes to, a new one each time (the
 * same id again would be answered as a duplicate, without the work), or GET /healthz
 * without a handler.
 */
function firstRequestOf(definition: FunctionDefinition): (url: string) => Promise<Response> {
  return (url) => {
    const event = sampleEventFor(definition);
    return event ? deliver(`${url}/`, event) : fetch(`${url}/healthz`);
  };
}

/** A bundle alone in a new directory with the compile cache its image's build would write. */
function imageDirectory(file: string): { directory: string; compileCache: Record<string, string> } {
  const directory = isolate(file);
  // what the Dockerfile's last RUN does: the compiled code written next to the bundle
  const compileCache = { NODE_COMPILE_CACHE: join(directory, ".compile-cache") };
  const filled = spawnSync(process.execPath, ["index.mjs", "--fill-compile-cache"], {
    cwd: directory,
    env: { PATH: process.env.PATH ?? "", ...compileCache },
    encoding: "utf8",
  });
  if (filled.status !== 0) throw new Error(`--fill-compile-cache failed: ${filled.stderr}`);
  return { directory, compileCache };
}

/** COLD_START_FUNCTIONS=orchestrator,gateway measures only those (all of the fleet by default). */
function measuredFunctions(): readonly FunctionDefinition[] {
  const wanted = (process.env.COLD_START_FUNCTIONS ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (wanted.length === 0) return fleet;
  for (const name of wanted) {
    if (!fleet.some((definition) => definition.name === name)) {
      throw new Error(
        `COLD_START_FUNCTIONS: no function is named ${name}; the fleet's are ${fleet.map((definition) => definition.name).join(", ")}`,
      );
    }
  }
  return fleet.filter((definition) => wanted.includes(definition.name));
}

const measured = measuredFunctions();
const environment = await startBundleEnvironment(
  fleet,
  measured.length === fleet.length ? [] : measured.map((definition) => definition.name),
);
const floorsDirectory = mkdtempSync(join(tmpdir(), "mesh-six-floors-"));
const floors = new Map<FloorName, ReturnType<typeof imageDirectory>>();
try {
  const { bundles, database, sink } = environment;
  const env = {
    DATABASE_URL: database.url,
    K_SINK: sink.url,
    LOG_LEVEL: "info",
    PATH: process.env.PATH ?? "",
    ...testSecrets,
  };
  for (const [name, bundle] of await buildFloors(floorsDirectory))
    floors.set(name, imageDirectory(bundle.file));
  const floorSamples = new Map<FloorName, Sample[]>(floorNames.map((name) => [name, []]));
  const stackKiB = await stackBundleKiB(floorsDirectory);

  const bare: Sample[] = [];
  const functions: Record<string, unknown>[] = [];
  for (const definition of measured) {
    const bundle = bundles.get(definition.name)!;
    const { directory, compileCache } = imageDirectory(bundle.file);
    const request = firstRequestOf(definition);
    const ready = `${definition.name} is serving on port <port>`;
    const image: Sample[] = [];
    const bundled: Sample[] = [];
    const cli: Sample[] = [];
    const unbundled: Sample[] = [];
    const viaCli = {
      directory,
      args: [frameworkCli, `--target=${definition.name}`, "--signature-type=http", "--source=index.mjs"],
      ready: "URL: http://localhost:<port>/",
    };
    // interleaved, so drift on a busy machine affects all of them alike
    for (let run = 0; run < runs; run += 1) {
      bare.push(await bareNode());
      for (const [name, floor] of floors) {
        const launch = {
          directory: floor.directory,
          args: ["index.mjs"],
          ready: "floor is serving on port <port>",
        };
        floorSamples.get(name)!.push(await firstAnswer(launch, request, { ...env, ...floor.compileCache }));
      }
      image.push(
        await firstAnswer({ directory, args: ["index.mjs"], ready }, request, { ...env, ...compileCache }),
      );
      bundled.push(await firstAnswer({ directory, args: ["index.mjs"], ready }, request, env));
      cli.push(await firstAnswer(viaCli, request, env));
      unbundled.push(
        await firstAnswer(
          { directory: repository, args: ["knative/src/serve/run.ts", definition.name], ready },
          request,
          env,
        ),
      );
    }
    rmSync(directory, { recursive: true, force: true });
    functions.push({
      function: definition.name,
      firstRequest: sampleEventFor(definition)?.type ?? "GET /healthz",
      bundleKiB: round(bundle.bytes / 1024, 0),
      largestInBundle: bundleContents(bundle.metafile)
        .slice(0, 8)
        .map((share) => `${share.name} ${round(share.bytes / 1024, 0)} KiB`),
      image: summary(image),
      bundled: summary(bundled),
      functionsFrameworkCli: summary(cli),
      unbundled: summary(unbundled),
    });
  }
  const bareSummary = summary(bare);
  const floorSummaries = Object.fromEntries(
    floorNames.map((name) => {
      const floor = summary(floorSamples.get(name)!);
      return [name, { ...floor, vsBareNode: round(floor.medianMs / bareSummary.medianMs, 2) }];
    }),
  ) as Record<FloorName, ReturnType<typeof summary> & { vsBareNode: number }>;
  const withDatabase = floorSummaries["functions-framework + Fetch API + Postgres"];
  for (const entry of functions) {
    const image = entry.image as ReturnType<typeof summary>;
    const bundled = entry.bundled as ReturnType<typeof summary>;
    const unbundled = entry.unbundled as ReturnType<typeof summary>;
    const cli = entry.functionsFrameworkCli as ReturnType<typeof summary>;
    entry.imageVsBareNode = round(image.medianMs / bareSummary.medianMs, 2);
    entry.imageVsFunctionsFramework = round(
      image.medianMs / floorSummaries["functions-framework"].medianMs,
      2,
    );
    entry.imageVsSmallestFunctionWithDatabase = round(image.medianMs / withDatabase.medianMs, 2);
    // what mesh-six's own code adds to the smallest function with a database (ms, medians)
    entry.aboveSmallestFunctionWithDatabaseMs = round(image.medianMs - withDatabase.medianMs, 1);
    entry.bundledVsBareNode = round(bundled.medianMs / bareSummary.medianMs, 2);
    entry.bundledVsImage = round(bundled.medianMs / image.medianMs, 2);
    entry.functionsFrameworkCliVsBareNode = round(cli.medianMs / bareSummary.medianMs, 2);
    entry.unbundledVsBundled = round(unbundled.medianMs / bundled.medianMs, 2);
    entry.meetsTargets = {
      bundleSize: (entry.bundleKiB as number) <= targets.bundleKiB,
      coldStart: (entry.imageVsBareNode as number) <= targets.vsBareNode,
    };
  }
  writeResult("cold-start", {
    runs,
    what: "spawn → answer to the first event (ms) and peak RSS (MB); the bundle alone in an empty directory as the image holds it (node index.mjs with the compile cache the image's build writes; without it; the functions-framework CLI) vs unbundled TypeScript source vs `node -e 0`, and the floors every function stands on (cold-start-floors.ts: node:http, the functions-framework's server, its Fetch-API adapter, a Postgres connection), bundled and started the same way and sent the same request; the largest packages in each bundle",
    targets,
    bareNode: bareSummary,
    floors: floorSummaries,
    // the stack's own weight in a bundle, cumulative (cold-start-floors.ts)
    stackBundleKiB: stackKiB,
    functions,
  });
} finally {
  rmSync(floorsDirectory, { recursive: true, force: true });
  for (const { directory } of floors.values()) rmSync(directory, { recursive: true, force: true });
  await environment.stop();
}
