import { describeBudgetContract } from "@mesh-six/shared/cost/contract";
import { withoutVector } from "@mesh-six/shared/db/missing-vector";
import { createPostgresDb } from "@mesh-six/shared/db/postgres";
import { createUpstashKv } from "@mesh-six/shared/kv/upstash";
import { loadMigrations, migrate } from "@mesh-six/sql";
import { createServiceDatabase, type ServiceDatabase, serviceEnv } from "@mesh-six/testing/services";
import { afterAll } from "vitest";

// Budgets on real servers: the conditional upsert on PostgreSQL (many connections, so the
// 50 calls really race), and the Lua reservation on Redis through @upstash/redis.
const databases: ServiceDatabase[] = [];
const openDb = async () => {
  const database = await createServiceDatabase(serviceEnv("MESH_TEST_POSTGRES_URL"), "budgets");
  databases.push(database);
  const db = createPostgresDb({ url: database.url });
  // Debian's PostgreSQL has no pgvector; budgets need none
  await migrate(db, withoutVector(loadMigrations()));
  return db;
};
afterAll(async () => {
  for (const database of databases) await database.drop();
});

describeBudgetContract("Postgres store on a PostgreSQL server", { openDb });
describeBudgetContract("Redis through @upstash/redis and the REST proxy", {
  openDb,
  openKv: async () =>
    createUpstashKv({
      url: serviceEnv("MESH_TEST_UPSTASH_URL"),
      token: serviceEnv("MESH_TEST_UPSTASH_TOKEN"),
    }),
});
