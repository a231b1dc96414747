import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fleet } from "@mesh-six/fleet";
import { bundleFleet, migrateBundleName } from "@mesh-six/knative/bundle/fleet";
import { startWireDatabase } from "@mesh-six/knative/testing/database";
import { freePort, isolate, runBundle, waitForOutput } from "@mesh-six/knative/testing/processes";
import { deliver, sampleEventFor, testSecrets } from "@mesh-six/knative/testing/samples";
import { startTestSink } from "@mesh-six/knative/testing/sink";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";
import { percentile, round, writeResult } from "./stats.ts";

/**
 * Cold start of every function as Knative starts it: per function, the bundle's size, the
 * time from spawning the process to the answer to its first event (a binary-mode
 * CloudEvent it subscribes to; GET /healthz for functions without a handler) and the
 * process's peak RSS by then, for the bundle alone in an empty directory and for the same
 * function started unbundled from its TypeScript source, next to a bare `node -e 0`
 * measured in the same run. Postgres is PGlite served over the wire in this process.
 */
const runs = Number(process.env.COLD_START_RUNS ?? 7);
const repository = fileURLToPath(new URL("../../", import.meta.url));

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
  command: { readonly directory: string; readonly args: readonly string[] },
  env: Record<string, string>,
): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = runBundle(command.directory, { ...env, PORT: String(port) }, command.args);
  try {
    await waitForOutput(child, `${definition.name} is serving on port ${port}`);
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

const outDir = mkdtempSync(join(tmpdir(), "mesh-six-bench-"));
const database = await startWireDatabase();
const sink = await startTestSink();
try {
  const bundles = new Map((await bundleFleet(fleet, outDir)).map((bundle) => [bundle.name, bundle]));
  const job = runBundle(isolate(bundles.get(migrateBundleName)!.file), { DATABASE_URL: database.url });
  if ((await job.exited) !== 0) throw new Error(`migration failed:\n${job.output()}`);
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
    const bundled: Sample[] = [];
    const unbundled: Sample[] = [];
    // interleaved, so drift on a busy machine affects all three alike
    for (let run = 0; run < runs; run += 1) {
      bare.push(await bareNode());
      bundled.push(await firstEvent(definition, { directory, args: ["index.mjs"] }, env));
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
      bundled: summary(bundled),
      unbundled: summary(unbundled),
    });
  }
  const bareSummary = summary(bare);
  for (const entry of functions) {
    const bundled = entry.bundled as ReturnType<typeof summary>;
    const unbundled = entry.unbundled as ReturnType<typeof summary>;
    entry.bundledVsBareNode = round(bundled.medianMs / bareSummary.medianMs, 2);
    entry.unbundledVsBundled = round(unbundled.medianMs / bundled.medianMs, 2);
  }
  writeResult("cold-start", {
    runs,
    what: "spawn → answer to the first event (ms) and peak RSS (MB); bundle alone in an empty directory vs unbundled TypeScript source vs `node -e 0`",
    bareNode: bareSummary,
    functions,
  });
} finally {
  await sink.close();
  await database.stop();
  rmSync(outDir, { recursive: true, force: true });
}
