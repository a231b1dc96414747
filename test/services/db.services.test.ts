import { loadConfig } from "@mesh-six/shared/config/env";
import { connectDb } from "@mesh-six/shared/db/connect";
import { describeDbContract } from "@mesh-six/shared/db/contract";
import { createNeonDb } from "@mesh-six/shared/db/neon";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import { ConfigError } from "@mesh-six/shared/errors";
import { serviceEnv } from "@mesh-six/testing/services";
import { describe, expect, it } from "vitest";

// Debian packages no pgvector for its PostgreSQL: pgvector is proven on PGlite, in-process
// and over a real wire protocol through Neon's driver below.
describeDbContract("PostgreSQL server through node-postgres", {
  open: async () => createPostgresDb({ url: serviceEnv("MESH_TEST_POSTGRES_URL") }),
  sessions: "many",
  features: { vector: false },
});

const neonOverLocalProxy = (httpQueries: boolean) => async () =>
  createNeonDb({
    url: serviceEnv("MESH_TEST_PGLITE_URL"),
    wsProxy: serviceEnv("MESH_TEST_NEON_WS_PROXY"),
    fetchEndpoint: serviceEnv("MESH_TEST_NEON_FETCH_ENDPOINT"),
    useSecureWebSocket: false,
    pipelineConnect: false,
    httpQueries,
  });

describeDbContract("PGlite over the wire through Neon's driver (HTTP queries, WebSocket transactions)", {
  open: neonOverLocalProxy(true),
  sessions: "one",
  features: { vector: true },
});

describeDbContract("PGlite over the wire through Neon's driver (WebSocket only)", {
  open: neonOverLocalProxy(false),
  sessions: "one",
  features: { vector: true },
});

describe("connectDb against a real PostgreSQL server", () => {
  const url = () => new URL(serviceEnv("MESH_TEST_POSTGRES_URL"));

  it("connects and answers with the right DATABASE_URL", async () => {
    const db = await connectDb({ DATABASE_URL: url().href, MESH_DATA_DIR: "." });
    expect(db.driver).toBe("postgres");
    await db.close();
  });

  it("stops with the setting and the fix when the password is wrong", async () => {
    const wrong = url();
    wrong.password = "not-the-password";
    const error = await connectDb({ DATABASE_URL: wrong.href, MESH_DATA_DIR: "." }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^DATABASE_URL: the database at 127\.0\.0\.1:\d+\/postgres \(user "postgres"\) refused the user name or password/,
    );
    expect((error as Error).message).toContain("Fix the credentials in DATABASE_URL.");
    expect((error as Error).message).not.toContain("not-the-password");
  });

  it("says which database does not exist", async () => {
    const missing = url();
    missing.pathname = "/no_such_database";
    await expect(connectDb({ DATABASE_URL: missing.href, MESH_DATA_DIR: "." })).rejects.toThrow(
      /DATABASE_URL: .*database "no_such_database" does not exist\. Create the database or fix its name/,
    );
  });
});

describe("connectDb on Neon's driver through a local proxy, configured from the environment", () => {
  const environment = (url: string, extra: Record<string, string> = {}) =>
    loadConfig({
      DATABASE_URL: url,
      DATABASE_DRIVER: "neon",
      NEON_WS_PROXY: serviceEnv("MESH_TEST_NEON_WS_PROXY"),
      NEON_SECURE_WEBSOCKET: "false",
      ...extra,
    });

  it("reaches the PostgreSQL server (SCRAM password) over WebSockets only", async () => {
    const db = await connectDb(environment(serviceEnv("MESH_TEST_POSTGRES_URL")));
    expect(db.driver).toBe("neon");
    const { rows } = await db.query<{ server: string }>(
      "SELECT current_setting('server_version_num') AS server",
    );
    expect(Number(rows[0]?.server)).toBeGreaterThan(150_000);
    await db.close();
  });

  it("reaches PGlite over the wire with single queries over HTTP", async () => {
    const db = await connectDb(
      environment(serviceEnv("MESH_TEST_PGLITE_URL"), {
        NEON_FETCH_ENDPOINT: serviceEnv("MESH_TEST_NEON_FETCH_ENDPOINT"),
      }),
    );
    expect(db.driver).toBe("neon");
    expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await db.close();
  });

  it("stops with the setting and the fix when the password is wrong", async () => {
    const wrong = new URL(serviceEnv("MESH_TEST_POSTGRES_URL"));
    wrong.password = "not-the-password";
    const error = await connectDb(environment(wrong.href)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^DATABASE_URL: .* refused the user name or password/);
  });
});
