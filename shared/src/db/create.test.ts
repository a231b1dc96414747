import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/env.ts";
import { ConfigError } from "../errors.ts";
import { connectDb } from "./connect.ts";
import { chooseDriver, createDb } from "./create.ts";

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

describe("createDb", () => {
  it("chooses the driver from DATABASE_DRIVER, else from DATABASE_URL", () => {
    expect(chooseDriver({})).toBe("pglite");
    expect(chooseDriver({ DATABASE_URL: "postgresql://u:p@db.internal:5432/mesh" })).toBe("postgres");
    expect(chooseDriver({ DATABASE_URL: "postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/mesh" })).toBe(
      "neon",
    );
    expect(chooseDriver({ DATABASE_URL: "postgresql://u:p@h/mesh", DATABASE_DRIVER: "neon" })).toBe("neon");
  });

  it("refuses an unknown driver, naming DATABASE_DRIVER and the choices", () => {
    const attempt = () => chooseDriver({ DATABASE_DRIVER: "mysql" });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('DATABASE_DRIVER: unknown driver "mysql": use one of postgres, neon, pglite');
  });

  it("refuses a DATABASE_URL that is not a Postgres URL", async () => {
    await expect(createDb({ DATABASE_URL: "mysql://h/db", MESH_DATA_DIR: "." })).rejects.toThrow(
      "DATABASE_URL: must start with postgresql://",
    );
    await expect(createDb({ DATABASE_URL: "not a url", MESH_DATA_DIR: "." })).rejects.toThrow(
      "DATABASE_URL: is not a URL",
    );
    await expect(createDb({ DATABASE_DRIVER: "postgres", MESH_DATA_DIR: "." })).rejects.toThrow(
      "DATABASE_URL: DATABASE_DRIVER=postgres needs a server",
    );
  });

  it("keeps PGlite in MESH_DATA_DIR when there is no DATABASE_URL", async () => {
    const directory = await mkdtemp(join(tmpdir(), "mesh-db-"));
    try {
      const db = await connectDb({ MESH_DATA_DIR: directory });
      expect(db.driver).toBe("pglite");
      await db.exec("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7);");
      await db.close();
      const again = await createDb({ MESH_DATA_DIR: directory });
      expect((await again.query("SELECT id FROM kept")).rows).toEqual([{ id: 7 }]);
      await again.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("starts a new MESH_DATA_DIR migrated (from the template), with a 32 MB buffer pool", async () => {
    const directory = await mkdtemp(join(tmpdir(), "mesh-db-"));
    try {
      const db = await createDb({ MESH_DATA_DIR: directory });
      expect((await db.query("SHOW shared_buffers")).rows).toEqual([{ shared_buffers: "32MB" }]);
      const { rows } = await db.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM schema_migrations",
      );
      expect(rows[0]!.count).toBeGreaterThan(0);
      await db.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("connectDb", () => {
  it.each(["postgres", "neon"])(
    "stops with the setting and the fix when %s cannot reach the server",
    async (driver) => {
      const port = await closedPort();
      const attempt = connectDb({
        DATABASE_URL: `postgresql://mesh:secret-password@127.0.0.1:${port}/mesh`,
        DATABASE_DRIVER: driver,
        MESH_DATA_DIR: ".",
      });
      const error = await attempt.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).setting).toBe("DATABASE_URL");
      expect((error as Error).message).toMatch(
        /^DATABASE_URL: cannot reach the database at 127\.0\.0\.1:\d+\/mesh/,
      );
      expect((error as Error).message).toContain("fix the host and port in DATABASE_URL");
      expect((error as Error).message).not.toContain("secret-password");
    },
  );
});

describe("the Neon proxy settings", () => {
  it("refuse a WebSocket proxy written with its protocol, naming NEON_WS_PROXY", () => {
    expect(() => loadConfig({ NEON_WS_PROXY: "ws://localhost:5433/v2" })).toThrow(
      /NEON_WS_PROXY: must be host:port\/path without ws:\/\/ or wss:\/\//,
    );
  });

  it("read NEON_SECURE_WEBSOCKET as a boolean and NEON_FETCH_ENDPOINT as a URL", () => {
    const config = loadConfig({
      NEON_WS_PROXY: "localhost:5433/v2",
      NEON_SECURE_WEBSOCKET: "false",
      NEON_FETCH_ENDPOINT: "http://localhost:5433/sql",
    });
    expect(config.NEON_SECURE_WEBSOCKET).toBe(false);
    expect(() => loadConfig({ NEON_FETCH_ENDPOINT: "localhost/sql" })).toThrow(/NEON_FETCH_ENDPOINT: /);
    expect(() => loadConfig({ NEON_SECURE_WEBSOCKET: "maybe" })).toThrow(/NEON_SECURE_WEBSOCKET: /);
  });
});
