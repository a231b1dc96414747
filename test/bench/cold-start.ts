import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fleet } from "@mesh-six/fleet";
import { bundleContents } from "@mesh-six/knative/bundle/contents";
import { startBundleEnvironment } from "@mesh-six/knative/testing/environment";
import { freePort, isolate, runBundle, waitForOutput } from "@mesh-six/knative/testing/processes";
import { deliver, sampleEventFor, testSecrets } from "@mesh-six/knative/testing/samples";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { percentile, round, writeResult } from "./stats.ts";

/**
 * Cold start of every function as Knative starts it: per function, the bundle's size, the
 * time from spawning the process to the answer to its first event (a binary-mode
 * CloudEvent it subscribes to; GET /healthz for functions without a handler) and the
 * process's peak RSS by then, for the bundle alone in an empty directory as the image holds
 * it (`node index.mjs`, the image's command, with the compile cache its build wrote; the
 * same without that cache; and `functions-framework --target=<name> --source=index.mjs`, as
 * buildpacks run it) and for the same function started unbundled from its TypeScript
 * source, next to a bare `node -e 0` measured in the same run; and what takes the room in
 * each bundle (its esbuild metafile). Postgres is PGlite served over the wire in this
 * process. Targets: a bundle of at most 1 MiB, a cold start at most 2x `node -e 0`.
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
  readonly peakRssMb: number;
}

function summary(samples: readonly Sample[]) {
  const ms = samples.map((sample) => sample.ms);
  const rss = samples.map((sample) => sample.peakRssMb);
  const ready = samples.flatMap((sample) => (sample.readyMs === undefined ? [] : [sample.readyMs]));
  return {
    ...(ready.length > 0 ? { readyMedianMs: round(percentile(ready, 50), 1) } : {}),
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

async function firstEvent(
  definition: FunctionDefinition,
  command: { readonly directory: string; readonly args: readonly string[]; readonly ready?: string },
  env: Record<string, string>,
): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = runBundle(command.directory, { ...env, PORT: String(port) }, command.args);
  try {
    await waitForOutput(
      child,
      command.ready?.replace("<port>", String(port)) ?? `${definition.name} is serving on port ${port}`,
    );
    const readyMs = performance.now() - started;
    const url = `http://127.0.0.1:${port}`;
    const event = sampleEventFor(definition);
    const response = event ? await deliver(`${url}/`, event) : await fetch(`${url}/healthz`);
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${definition.name} answered ${response.status}: ${text}`);
    return { ms, readyMs, peakRssMb: peakRssMb(child.process.pid!) };
  } finally {
    await child.stop();
  }
}

const environment = await startBundleEnvironment(fleet);
try {
  const { bundles, database, sink } = environment;
  const env = {
    DATABASE_URL: database.url,
    K_SINK: sink.url,
    LOG_LEVEL: "info",
    PATH: process.env.PATH ?? "",
    ...testSecrets,
  };

  const bare: Sample[] = [];
  const functions: Record<string, unknown>[] = [];
  for (const definition of fleet) {
    const bundle = bundles.get(definition.name)!;
    const directory = isolate(bundle.file);
    // what the Dockerfile's last RUN does: the compiled code written next to the bundle
    const compileCache = { NODE_COMPILE_CACHE: join(directory, ".compile-cache") };
    const filled = spawnSync(process.execPath, ["index.mjs", "--fill-compile-cache"], {
      cwd: directory,
      env: { PATH: env.PATH, ...compileCache },
      encoding: "utf8",
    });
    if (filled.status !== 0) throw new Error(`--fill-compile-cache failed: ${filled.stderr}`);
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
      image.push(
        await firstEvent(definition, { directory, args: ["index.mjs"] }, { ...env, ...compileCache }),
      );
      bundled.push(await firstEvent(definition, { directory, args: ["index.mjs"] }, env));
      cli.push(await firstEvent(definition, viaCli, env));
      unbundled.push(
        await firstEvent(
          definition,
          { directory: repository, args: ["knative/src/serve/run.ts", definition.name] },
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
  for (const entry of functions) {
    const image = entry.image as ReturnType<typeof summary>;
    const bundled = entry.bundled as ReturnType<typeof summary>;
    const unbundled = entry.unbundled as ReturnType<typeof summary>;
    const cli = entry.functionsFrameworkCli as ReturnType<typeof summary>;
    entry.imageVsBareNode = round(image.medianMs / bareSummary.medianMs, 2);
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
    what: "spawn → answer to the first event (ms) and peak RSS (MB); the bundle alone in an empty directory as the image holds it (node index.mjs with the compile cache the image's build writes; without it; the functions-framework CLI) vs unbundled TypeScript source vs `node -e 0`; the largest packages in each bundle",
    targets,
    bareNode: bareSummary,
    functions,
  });
} finally {
  await environment.stop();
}
