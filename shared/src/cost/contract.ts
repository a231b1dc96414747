import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { llmConfig } from "../config/llm.ts";
import { readConfig } from "../config/read.ts";
import { createLlm } from "../llm/create.ts";
import { LlmError } from "../llm/errors.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import { windowOf } from "./budget.ts";
import { putBudget } from "./budget-records.ts";
import { createKvReservations } from "./kv-store.ts";
import { createPostgresReservations } from "./postgres-store.ts";
import type { ReservationStore } from "./reservation-store.ts";

export interface BudgetContractTarget {
  /** A migrated database (budgets and llm_usage live there whatever the store). */
  openDb(): Promise<Db>;
  /** The key-value store for the `kv` budget store; the Postgres store when omitted. */
  openKv?(): Promise<Kv>;
}

/**
 * Budgets under concurrency, on one store: 50 reservations at once never pass a limit, and
 * 50 concurrent LLM calls through the port against a small budget never spend more than
 * the budget plus one call's estimate. Keys and names are random, so suites may share servers.
 */
export function describeBudgetContract(name: string, target: BudgetContractTarget): void {
  describe(`Budget contract: ${name}`, () => {
    let db: Db;
    let kv: Kv | undefined;
    let store: ReservationStore;
    const clock = createManualClock(Date.parse("2026-03-04T10:00:00Z"));

    beforeAll(async () => {
      db = await target.openDb();
      kv = await target.openKv?.();
      store = kv ? createKvReservations(kv, clock) : createPostgresReservations(db);
    });
    afterAll(async () => {
      await kv?.close();
      await db?.close();
    });

    const counter = () => {
      const window = windowOf("day", clock.now());
      return {
        budget: `race-${randomUUID()}`,
        subject: "*",
        windowStart: window.start,
        resetsAt: window.resetsAt,
      };
    };

    it("lets 50 concurrent reservations take only what fits under the limit", async () => {
      const race = counter();
      const taken = await Promise.all(
        Array.from({ length: 50 }, () => store.reserve(race, { tokens: 7, microUsd: 0 }, { tokens: 100 })),
      );
      expect(taken.filter(Boolean)).toHaveLength(14);
      expect(await store.used(race)).toEqual({ tokens: 98, microUsd: 0 });
    });

    it("checks tokens and money together, and a refusal on either takes nothing", async () => {
      const both = counter();
      const limits = { tokens: 1000, microUsd: 500 };
      expect(await store.reserve(both, { tokens: 100, microUsd: 300 }, limits)).toBe(true);
      expect(await store.reserve(both, { tokens: 100, microUsd: 300 }, limits)).toBe(false);
      expect(await store.reserve(both, { tokens: 950, microUsd: 1 }, limits)).toBe(false);
      expect(await store.used(both)).toEqual({ tokens: 100, microUsd: 300 });
      await store.adjust(both, { tokens: -40, microUsd: -100 });
      expect(await store.used(both)).toEqual({ tokens: 60, microUsd: 200 });
      expect(await store.reserve(both, { tokens: 2000, microUsd: 0 }, limits)).toBe(false);
    });

    it("holds 50 concurrent LLM calls to the budget plus at most one call's estimate", async () => {
      const user = `user-${randomUUID()}`;
      const budget = `race-${randomUUID().slice(0, 8)}`;
      await putBudget(db, budget, {
        scope: "user",
        subject: user,
        period: "day",
        tokens: 1000,
        usd: 0.5,
        onExceeded: "reject",
        warnAt: 0.8,
      });
      const llm = createLlm({
        config: readConfig(llmConfig, {
          LLM_BUDGET_STORE: kv ? "kv" : "postgres",
          // the offline model priced, so money is reserved and settled too
          LLM_PRICES: JSON.stringify({ "mesh-six-offline": { input: 100, output: 200 } }),
        }),
        db,
        ...(kv ? { kv } : {}),
        clock,
      });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, index) =>
          llm.generate({
            prompt: `Summarise item ${index % 10}`,
            maxOutputTokens: 80,
            context: { agentId: "race-agent", userId: user },
          }),
        ),
      );
      const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
      const answered = outcomes.length - refused.length;
      expect(answered).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const reason of refused) {
        expect(reason).toBeInstanceOf(LlmError);
        expect(reason).toMatchObject({ type: "budget_exceeded", retryable: false });
        expect((reason as Error).message).toContain(`budget "${budget}" (user ${user}) is used up`);
        expect((reason as Error).message).toContain("it resets at 2026-03-05T00:00:00.000Z");
      }
      const { rows } = await db.query<{ calls: number; tokens: number; micro: number }>(
        `SELECT count(*)::int AS calls, sum(prompt_tokens + completion_tokens)::int AS tokens,
                ceil(sum(cost_usd) * 1e6)::int AS micro
           FROM llm_usage WHERE user_id = $1`,
        [user],
      );
      const spent = rows[0];
      expect(spent?.calls).toBe(answered);
      // one call's estimate: a token per 3 bytes of the prompt, the format's overhead, the 80 output tokens
      const estimate = Math.ceil(Buffer.byteLength("Summarise item 0") / 3) + 4 + 16 + 80;
      expect(spent?.tokens).toBeLessThanOrEqual(1000 + estimate);
      expect(spent?.micro).toBeLessThanOrEqual(500_000 + estimate * 200);
      // every reservation settled to what was used
      const window = windowOf("day", clock.now());
      const used = await store.used({
        budget,
        subject: user,
        windowStart: window.start,
        resetsAt: window.resetsAt,
      });
      expect(used.tokens).toBe(spent?.tokens);
      // without the check the 50 calls would have spent several times the budget
      expect(50 * ((spent?.tokens ?? 0) / answered)).toBeGreaterThan(1000);
    });
  });
}
