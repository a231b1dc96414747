import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { exited } from "./process.ts";
import { services } from "./services.ts";
import { startServices } from "./start.ts";

/**
 * `npm run test:services`: installs and starts the servers (see services.ts), runs the
 * `*.services.test.ts` suites against them, stops everything (also on Ctrl-C) and exits
 * with vitest's code. Extra arguments go to vitest (e.g. a file filter).
 */
const started = await startServices(services).catch((error: unknown) => {
  console.error(
    `[services] could not start the test servers: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});

const root = fileURLToPath(new URL("../../", import.meta.url));
const vitest = spawn(
  process.execPath,
  [
    fileURLToPath(new URL("node_modules/vitest/vitest.mjs", `file://${root}`)),
    "run",
    "--config",
    "vitest.services.config.ts",
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, ...started.env } },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    vitest.kill(signal);
  });
}

const code = await exited(vitest).catch(() => 1);
await started.stop();
process.exit(code ?? 1);
