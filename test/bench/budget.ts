import { llmConfig } from "@mesh-six/shared/config/llm";
import { readConfig } from "@mesh-six/shared/config/read";
import {
  createBudgetGuard,
  createKvReservations,
  createPostgresReservations,
  putBudget,
} from "@mesh-six/shared/cost";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { createMemoryKv } from "@mesh-six/shared/kv/memory";
import { createLlm } from "@mesh-six/shared/llm/create";
import type { Llm } from "@mesh-six/shared/llm/port";
import { migrate } from "@mesh-six/sql";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * What the budget check adds to an LLM call: the same call through the LLM port (the
 * offline model, its usage recorded in llm_usage on PGlite) without the check, with the
 * check and no budget applying (one lookup), and with three budgets applying (user, agent,
 * session: three reservations and three settlements), on the Postgres store and on the
 * in-process Kv store. Variants take turns in rounds, so drift hits each alike.
 */
const rounds = 12;
const callsPerRound = 40;
const warmup = 30;

const db = await createPgliteDb();
await migrate(db);
const config = readConfig(llmConfig, {
  LLM_PRICES: JSON.stringify({ "mesh-six-offline": { input: 0.15, output: 0.6 } }),
});
const kv = createMemoryKv();
const large = { onExceeded: "reject" as const, warnAt: 0.8, tokens: 1e12, usd: 1e6 };
await putBudget(db, "bench-user", { scope: "user", subject: "*", period: "day", ...large });
await putBudget(db, "bench-agent", { scope: "agent", subject: "bench-agent", period: "month", ...large });
await putBudget(db, "bench-session", { scope: "session", subject: "*", period: "total", ...large });

const variants: {
  name: string;
  llm: Llm;
  context: { agentId: string; userId?: string; sessionId?: string };
}[] = [
  {
    name: "without the check",
    llm: createLlm({ config, db, budgets: "off" }),
    context: { agentId: "other" },
  },
  {
    name: "check, no budget applies",
    llm: createLlm({ config, db }),
    context: { agentId: "other" },
  },
  {
    name: "check, 3 budgets, Postgres store",
    llm: createLlm({
      config,
      db,
      budgets: createBudgetGuard({
        db,
        store: createPostgresReservations(db),
        clock: { now: Date.now } as never,
      }),
    }),
    context: { agentId: "bench-agent", userId: "bench-user", sessionId: "bench-session" },
  },
  {
    name: "check, 3 budgets, in-process Kv store",
    llm: createLlm({
      config,
      db,
      budgets: createBudgetGuard({
        db,
        store: createKvReservations(kv, { now: Date.now } as never),
        clock: { now: Date.now } as never,
      }),
    }),
    context: { agentId: "bench-agent", userId: "bench-user", sessionId: "bench-session" },
  },
];

const call = (variant: (typeof variants)[number], index: number) =>
  variant.llm.generate({
    prompt: `Summarise item ${index % 50}`,
    maxOutputTokens: 100,
    context: variant.context,
  });

for (const variant of variants) for (let index = 0; index < warmup; index += 1) await call(variant, index);
const samples = new Map(variants.map((variant) => [variant.name, [] as number[]]));
for (let round = 0; round < rounds; round += 1) {
  for (const variant of variants) {
    for (let index = 0; index < callsPerRound; index += 1) {
      const started = performance.now();
      await call(variant, index);
      samples.get(variant.name)?.push(performance.now() - started);
    }
  }
}
const baseline = percentile(samples.get(variants[0]!.name) ?? [], 50);
const figures = Object.fromEntries(
  variants.map((variant) => {
    const values = samples.get(variant.name) ?? [];
    const p50 = percentile(values, 50);
    return [
      variant.name,
      {
        calls: values.length,
        p50Ms: round(p50),
        p99Ms: round(percentile(values, 99)),
        addedP50Ms: round(p50 - baseline),
        ratioToWithout: round(p50 / baseline, 2),
      },
    ];
  }),
);
writeResult("budget", {
  what: "one LLM call through the port (offline model, usage recorded on in-memory PGlite), with and without the budget check",
  rounds,
  callsPerRound,
  variants: figures,
});
await db.close();
