import { spawn } from "node:child_process";
import { exited, which } from "./process.ts";
import type { ServiceModule } from "./service.ts";

export interface MockKafkaCluster {
  /** Bootstrap servers, `127.0.0.1:<port>` for each mock broker. */
  readonly brokers: readonly string[];
  stop(): Promise<void>;
}

/**
 * librdkafka's mock cluster (a real Kafka-protocol server with `brokers` brokers, topics
 * of 4 partitions created on first use, consumer groups and offset commits) hosted by
 * Debian's `kcat`. The cluster lives as long as the kcat process: kcat runs as a consumer
 * of a keep-alive topic, which never ends, and prints the cluster's bootstrap servers on
 * start (`-X test.mock.num.brokers=N` replaces the `-b` servers with the mock's).
 */
export async function startMockKafkaCluster(
  options: { readonly brokers?: number; readonly log?: (line: string) => void } = {},
): Promise<MockKafkaCluster> {
  const kcat = await which("kcat");
  if (!kcat)
    throw new Error("kcat is not installed (Debian package kcat); install it: apt-get install -y kcat");
  const args = [
    "-b",
    "mock",
    "-X",
    `test.mock.num.brokers=${options.brokers ?? 3}`,
    "-C",
    "-t",
    "mesh-six-mock-keepalive",
    "-o",
    "end",
    "-q",
  ];
  options.log?.(`$ ${kcat} ${args.join(" ")}`);
  const child = spawn(kcat, args, { stdio: ["ignore", "ignore", "pipe"] });
  const brokers = await new Promise<string[]>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk;
      const servers = /replaced with (\S+)/.exec(output)?.[1];
      if (servers) {
        child.stderr?.off("data", onData);
        // keep reading so kcat never blocks on a full pipe
        child.stderr?.resume();
        resolve(servers.split(","));
      }
    };
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`kcat exited with ${code} before the mock cluster was up:\n${output.slice(-2000)}`)),
    );
  });
  return {
    brokers,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited(child);
      child.kill("SIGTERM");
      await done;
    },
  };
}

/** The mock Kafka cluster for the service suites. Exports MESH_TEST_KAFKA_BROKERS (host:port,…). */
export const kafkaService: ServiceModule = {
  name: "kafka",
  packages: ["kcat"],
  installed: async () => (await which("kcat")) !== undefined,
  async start({ log }) {
    const cluster = await startMockKafkaCluster({ brokers: 3, log });
    log(`Kafka mock cluster at ${cluster.brokers.join(",")}`);
    return { env: { MESH_TEST_KAFKA_BROKERS: cluster.brokers.join(",") }, stop: cluster.stop };
  },
};
