import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exited, freePort, waitFor, which } from "./process.ts";
import type { ServiceModule } from "./service.ts";

export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:41234: what PROMETHEUS_URL holds. */
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Debian's `prometheus` on a free loopback port, its data in `workDir`, scraping itself
 * every second; resolves once it is ready and `up` has a sample, so queries find data.
 */
export async function startPrometheus(
  workDir: string,
  log: (line: string) => void,
): Promise<PrometheusServer> {
  const binary = await which("prometheus");
  if (!binary) throw new Error("prometheus is not installed (Debian package prometheus)");
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const directory = await mkdtemp(join(workDir, "prometheus-"));
  const config = join(directory, "prometheus.yml");
  await writeFile(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: prometheus",
      "    static_configs:",
      `      - targets: ["${address}"]`,
      "",
    ].join("\n"),
  );
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(directory, "data")}`,
    `--web.listen-address=${address}`,
    "--log.level=error",
  ];
  log(`$ ${binary} ${args.join(" ")}`);
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://${address}`;
  const stop = () => stopChild(child);
  try {
    await waitFor(`prometheus on ${address}`, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
      const ready = await fetch(`${url}/-/ready`);
      if (ready.status !== 200) return false;
      const answer = (await (await fetch(`${url}/api/v1/query?query=up`)).json()) as {
        data?: { result?: unknown[] };
      };
      return (answer.data?.result?.length ?? 0) > 0;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Prometheus on ${address}`);
  return { url, stop };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill("SIGTERM");
  await done;
}

/** A Prometheus server for the integration's suites. Exports MESH_TEST_PROMETHEUS_URL. */
export const prometheusService: ServiceModule = {
  name: "prometheus",
  packages: ["prometheus"],
  installed: async () => (await which("prometheus")) !== undefined,
  async start({ workDir, log }) {
    const server = await startPrometheus(workDir, log);
    return { env: { MESH_TEST_PROMETHEUS_URL: server.url }, stop: server.stop };
  },
};
