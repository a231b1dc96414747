import { randomBytes } from "node:crypto";
import { access, chown, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort, run } from "./process.ts";
import type { ServiceModule } from "./service.ts";

const root = "/usr/lib/postgresql";

/** Debian's newest installed PostgreSQL: its bin directory and major version. */
async function findServer(): Promise<{ bin: string; version: string } | undefined> {
  const versions = await readdir(root).catch(() => [] as string[]);
  for (const version of versions.filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a))) {
    const bin = join(root, version, "bin");
    if (await exists(join(bin, "postgres"))) return { bin, version };
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Runs a server program as the `postgres` user when we are root (initdb refuses root). */
function asPostgres(command: string, args: readonly string[], log: (line: string) => void) {
  return process.getuid?.() === 0
    ? run("runuser", ["-u", "postgres", "--", command, ...args], { log, quiet: true })
    : run(command, args, { log, quiet: true });
}

/**
 * A throw-away PostgreSQL cluster (Debian's `postgresql`) on a free loopback port,
 * password authentication over TCP. Exports MESH_TEST_POSTGRES_URL. Debian does not
 * package pgvector for it, so this server has no `vector` extension: the Db contract
 * runs its pgvector cases on PGlite (in-process and over the wire, through Neon's driver).
 */
export const postgresService: ServiceModule = {
  name: "postgresql",
  packages: ["postgresql"],
  installed: async () => (await findServer()) !== undefined,
  async start({ workDir, log }) {
    const server = await findServer();
    if (!server) throw new Error("PostgreSQL is not installed");
    const data = join(workDir, "data");
    const sockets = join(workDir, "sockets");
    const password = randomBytes(12).toString("hex");
    const passwordFile = join(workDir, "password");
    await mkdir(sockets);
    await writeFile(passwordFile, `${password}\n`);
    if (process.getuid?.() === 0) {
      const { uid, gid } = await postgresUser();
      for (const path of [workDir, sockets, passwordFile]) await chown(path, uid, gid);
    }
    const tool = (name: string) => join(server.bin, name);
    await asPostgres(
      tool("initdb"),
      [
        "-D",
        data,
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        `--pwfile=${passwordFile}`,
        "-E",
        "UTF8",
        "--locale=C",
      ],
      log,
    );
    const port = await freePort();
    const options = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=60`;
    await asPostgres(
      tool("pg_ctl"),
      ["-D", data, "-l", join(workDir, "server.log"), "-w", "-o", options, "start"],
      log,
    );
    log(`PostgreSQL ${server.version} on 127.0.0.1:${port}`);
    return {
      env: { MESH_TEST_POSTGRES_URL: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres` },
      async stop() {
        await asPostgres(tool("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], log);
      },
    };
  },
};

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    run("id", ["-u", "postgres"], { quiet: true }),
    run("id", ["-g", "postgres"], { quiet: true }),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
