import { mkdirSync, writeFileSync } from "node:fs";

/** Percentile of a sample (nearest-rank); `p` in 0–100. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Writes `bench/results/<name>.json` with the machine it ran on, and prints it. */
export function writeResult(name: string, figures: Record<string, unknown>): void {
  const directory = new URL("../../../bench/results/", import.meta.url);
  mkdirSync(directory, { recursive: true });
  const result = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    node: process.version,
    cpus: (globalThis.navigator?.hardwareConcurrency ?? 0) || undefined,
    ...figures,
  };
  writeFileSync(new URL(`${name}.json`, directory), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
