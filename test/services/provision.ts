import { run } from "./process.ts";
import type { ServiceModule } from "./service.ts";

/**
 * Installs the Debian packages of every module that is not installed yet, as root with
 * apt-get, saying what it runs. Without root it stops and names the packages instead.
 */
export async function provision(
  modules: readonly ServiceModule[],
  log: (line: string) => void,
): Promise<void> {
  const missing: ServiceModule[] = [];
  for (const module of modules) if (!(await module.installed())) missing.push(module);
  if (missing.length > 0) {
    const packages = [...new Set(missing.flatMap((module) => module.packages))];
    log(`missing: ${missing.map((module) => module.name).join(", ")}; installing ${packages.join(" ")}`);
    await aptInstall(packages, log);
    for (const module of missing) {
      if (!(await module.installed()))
        throw new Error(`${module.name} is still missing after installing ${packages.join(" ")}`);
    }
  }
  for (const module of modules) await module.prepare?.({ log });
}

let updated = false;

export async function aptInstall(packages: readonly string[], log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `these Debian packages are needed: ${packages.join(" ")}. Install them (sudo apt-get install -y ${packages.join(" ")}) or run as root, then run npm run test:services again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!updated) {
    await run("apt-get", ["update"], { env, log, quiet: true });
    updated = true;
  }
  await run("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { env, log, quiet: true });
}
