import { z } from "zod";
import { parseApiKeys } from "../auth/api-keys.ts";
import { ConfigError } from "../errors.ts";
import { parseTrustedProxies } from "../ratelimit/trusted-proxies.ts";
import { explainIssue } from "./explain.ts";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label: lowercase letters, digits and '-'")
  .max(63);

/** Every environment variable mesh-six reads, with its default and what it is for. */
export const configSchema = z.object({
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
  MESH_API_KEYS: z
    .string()
    .transform((text, context) => {
      const parsed = parseApiKeys(text);
      if ("keys" in parsed) return parsed.keys;
      for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    })
    .optional()
    .describe("API keys of the gateway: comma-separated name:key:scope[+scope][:user=<id>]"),
  MESH_EVENT_KEY: z
    .string()
    .min(32)
    .optional()
    .describe(
      "the secret mesh functions sign their events with on Knative (at least 32 characters, e.g. `openssl rand -hex 32`)",
    ),
  TRUSTED_PROXIES: z
    .string()
    .transform((text, context) => {
      const parsed = parseTrustedProxies(text);
      if ("proxies" in parsed) return parsed.proxies;
      for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    })
    .optional()
    .describe("comma-separated IPs and CIDR ranges of proxies whose X-Forwarded-For the rate limit believes"),
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
  LLM_BASE_URL: z.url().optional().describe("OpenAI-compatible endpoint; the offline model when unset"),
  LLM_API_KEY: z.string().min(1).optional().describe("API key of LLM_BASE_URL"),
  LLM_MODEL: z.string().min(1).default("gpt-4o-mini").describe("chat model at LLM_BASE_URL"),
  LLM_DEFAULT_TIER: z
    .enum(["local", "mid", "strong"])
    .default("mid")
    .describe("the model tier a call gets when it asks for none"),
  LLM_MODEL_LOCAL: z.string().min(1).optional().describe("the local tier's model (LLM_MODEL when unset)"),
  LLM_MODEL_MID: z.string().min(1).optional().describe("the mid tier's model (LLM_MODEL when unset)"),
  LLM_MODEL_STRONG: z.string().min(1).optional().describe("the strong tier's model (LLM_MODEL when unset)"),
  LLM_BASE_URL_LOCAL: z.url().optional().describe("the local tier's endpoint (LLM_BASE_URL when unset)"),
  LLM_BASE_URL_MID: z.url().optional().describe("the mid tier's endpoint (LLM_BASE_URL when unset)"),
  LLM_BASE_URL_STRONG: z.url().optional().describe("the strong tier's endpoint (LLM_BASE_URL when unset)"),
  LLM_API_KEY_LOCAL: z
    .string()
    .min(1)
    .optional()
    .describe("API key of LLM_BASE_URL_LOCAL (LLM_API_KEY when unset)"),
  LLM_API_KEY_MID: z
    .string()
    .min(1)
    .optional()
    .describe("API key of LLM_BASE_URL_MID (LLM_API_KEY when unset)"),
  LLM_API_KEY_STRONG: z
    .string()
    .min(1)
    .optional()
    .describe("API key of LLM_BASE_URL_STRONG (LLM_API_KEY when unset)"),
  LLM_PRICES: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string(),
        z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
        {
          error: 'must map model ids to USD per million tokens, e.g. {"my-model":{"input":0.5,"output":1.5}}',
        },
      ),
    )
    .optional()
    .describe("LLM prices, USD per million tokens, added to the built-in table"),
  LLM_MAX_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(5)
    .default(2)
    .describe("retries of a rate-limited (429) or failed (5xx, network) LLM call within one request"),
  LLM_RETRY_BUDGET_SECONDS: z.coerce
    .number()
    .min(0)
    .max(300)
    .default(30)
    .describe(
      "longest an LLM call may spend on retries, waits included; a retry whose wait would end later is not made",
    ),
  EMBEDDING_MODEL: z
    .string()
    .min(1)
    .optional()
    .describe(
      "embedding model at EMBEDDING_BASE_URL (or LLM_BASE_URL); the local deterministic embedder when unset",
    ),
  EMBEDDING_BASE_URL: z
    .url()
    .optional()
    .describe("OpenAI-compatible endpoint for embeddings; LLM_BASE_URL when unset"),
  EMBEDDING_API_KEY: z.string().min(1).optional().describe("API key for embeddings; LLM_API_KEY when unset"),
  EMBEDDING_DIMENSIONS: z.coerce
    .number()
    .int()
    .min(2)
    .max(2000)
    .default(512)
    .describe("length of every embedding vector; the memories.embedding column is resized to it while empty"),
  MEMORY_DISABLED_AGENTS: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((agent) => agent.trim())
        .filter((agent) => agent !== ""),
    )
    .optional()
    .describe("comma-separated agents (function names) that neither recall nor store memories"),
  UPSTASH_REDIS_REST_URL: z
    .url()
    .optional()
    .describe("Upstash Redis REST URL; the in-process store when unset"),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional().describe("Upstash Redis REST token"),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(0)
    .default(1200)
    .describe("requests per minute per client on the ingress and the gateway; 0 turns the limit off"),
  KAFKA_BROKERS: z.string().min(1).optional().describe("host:port,… of the Kafka cluster"),
});

export type MeshConfig = z.output<typeof configSchema> & {
  /**
   * Any variable of the environment the configuration was read from, by name (undefined
   * when unset or empty): for values a definition names at run time, such as the
   * variables in a dependency check's URL.
   */
  readonly variable: (name: string) => string | undefined;
};

/** Variables whose values are never repeated in an error message. */
const secretVariables: ReadonlySet<string> = new Set([
  "MESH_API_KEYS",
  "MESH_EVENT_KEY",
  "LLM_API_KEY",
  "LLM_API_KEY_LOCAL",
  "LLM_API_KEY_MID",
  "LLM_API_KEY_STRONG",
  "EMBEDDING_API_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
]);

/**
 * Reads the configuration from `env` once. Every problem is reported at once, each
 * naming the variable and what it accepts.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): MeshConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = configSchema.safeParse(present);
  if (result.success) return { ...result.data, variable: (name) => present[name] };
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "environment");
    const field = configSchema.shape[variable as keyof typeof configSchema.shape];
    const value = present[variable];
    const shown = value !== undefined && secretVariables.has(variable) ? { secret: true as const } : value;
    return { variable, text: explainIssue(issue, shown, field?.description) };
  });
  const [first, ...rest] = problems;
  const more = rest.map((problem) => `\n  ${problem.variable}: ${problem.text}`).join("");
  throw new ConfigError(first?.variable ?? "environment", `${first?.text ?? "invalid"}${more}`);
}
