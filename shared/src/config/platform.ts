import { z } from "zod";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label: lowercase letters, digits and '-'")
  .max(63);

/**
 * The variables every host reads for itself, whichever functions it runs: where it
 * listens, the broker, the database, the key-value store, logging, and the key mesh
 * events are signed with. What a function reads beyond these is in its own `config`.
 */
export const platformConfig = z.object({
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(8080)
    .describe("HTTP port of the host; 0 picks a free one"),
  HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:-]+$/, "must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0")
    .optional()
    .describe(
      "address the host listens on; 127.0.0.1 for npm start, every interface on Knative; any other than loopback needs MESH_API_KEYS",
    ),
  MESH_EVENT_KEY: z
    .string()
    .min(32)
    .optional()
    .describe(
      "the secret mesh functions sign their events with on Knative (at least 32 characters, e.g. `openssl rand -hex 32`)",
    ),
  MESH_BROKER: z
    .enum(["embedded", "kafka", "knative"])
    .default("embedded")
    .describe("which broker carries events"),
  MESH_NAMESPACE: name.default("mesh-six").describe("namespace of the broker"),
  MESH_BROKER_NAME: name.default("default").describe("name of the broker"),
  MESH_DATA_DIR: z.string().min(1).default(".mesh").describe("where the embedded host keeps its data"),
  LOG_LEVEL: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("least severe log level printed"),
  DATABASE_URL: z.string().min(1).optional().describe("Postgres URL; PGlite in MESH_DATA_DIR when unset"),
  DATABASE_DRIVER: z
    .enum(["pglite", "postgres", "neon"])
    .optional()
    .describe("Postgres driver; chosen from DATABASE_URL when unset"),
  NEON_WS_PROXY: z
    .string()
    .regex(
      /^[^/:]+(:\d+)?(\/\S*)?$/,
      "must be host:port/path without ws:// or wss://, e.g. localhost:5433/v2",
    )
    .optional()
    .describe("Neon driver: a self-hosted WebSocket proxy in front of Postgres; Neon's own when unset"),
  NEON_FETCH_ENDPOINT: z
    .url()
    .optional()
    .describe(
      "Neon driver: where single queries go over HTTP (a self-hosted proxy's /sql); Neon's when unset",
    ),
  NEON_SECURE_WEBSOCKET: z
    .stringbool()
    .optional()
    .describe("Neon driver: wss:// (true, the default) or ws:// (false) to NEON_WS_PROXY"),
  UPSTASH_REDIS_REST_URL: z
    .url()
    .optional()
    .describe("Upstash Redis REST URL; the in-process store when unset"),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional().describe("Upstash Redis REST token"),
  KAFKA_BROKERS: z.string().min(1).optional().describe("host:port,… of the Kafka cluster"),
});

export type PlatformConfig = z.output<typeof platformConfig>;
