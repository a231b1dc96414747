import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provision } from "./provision.ts";
import type { RunningService, ServiceModule } from "./service.ts";

export interface StartedServices {
  /** Every variable the services exported, e.g. MESH_TEST_POSTGRES_URL. */
  readonly env: Readonly<Record<string, string>>;
  /** Stops the services in reverse order and removes their data; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Installs what is missing, then starts `modules` in order, each in a temporary
 * directory of its own. When one fails to start, the ones already running are stopped.
 */
export async function startServices(
  modules: readonly ServiceModule[],
  log: (line: string) => void = (line) => console.log(`[services] ${line}`),
): Promise<StartedServices> {
  await provision(modules, log);
  const base = await mkdtemp(join(tmpdir(), "mesh-services-"));
  // Servers that run as their own user (PostgreSQL) must be able to reach their directory.
  await chmod(base, 0o711);
  const running: { name: string; service: RunningService }[] = [];
  const env: Record<string, string> = {};
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const { name, service } of running.reverse()) {
        await service.stop().catch((error: unknown) => log(`stopping ${name} failed: ${String(error)}`));
      }
      await rm(base, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    for (const module of modules) {
      const workDir = await mkdtemp(join(base, `${module.name}-`));
      const service = await module.start({ workDir, env: { ...env }, log });
      running.push({ name: module.name, service });
      Object.assign(env, service.env);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, stop };
}
