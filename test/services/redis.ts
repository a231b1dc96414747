import { spawn } from "node:child_process";
import { freePort, waitFor, which } from "./process.ts";
import { connectResp } from "./resp.ts";
import type { ServiceModule } from "./service.ts";

/** Debian's `redis-server` on a free loopback port, nothing persisted. Exports MESH_TEST_REDIS_URL. */
export const redisService: ServiceModule = {
  name: "redis",
  packages: ["redis-server"],
  installed: async () => (await which("redis-server")) !== undefined,
  async start({ workDir, log }) {
    const binary = await which("redis-server");
    if (!binary) throw new Error("redis-server is not installed");
    const port = await freePort();
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      workDir,
    ];
    log(`$ ${binary} ${args.join(" ")}`);
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
    await waitFor(`redis-server on port ${port}`, async () => {
      const connection = await connectResp("127.0.0.1", port);
      try {
        return (await connection.command(["PING"])) === "PONG";
      } finally {
        connection.close();
      }
    });
    log(`Redis on 127.0.0.1:${port}`);
    return {
      env: { MESH_TEST_REDIS_URL: `redis://127.0.0.1:${port}` },
      async stop() {
        if (child.exitCode !== null) return;
        const done = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await done;
      },
    };
  },
};
