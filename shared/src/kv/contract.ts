import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kv } from "../ports/kv.ts";

export interface KvContractTarget {
  /** Opens the adapter under test; the suite closes it at the end. */
  open(): Promise<Kv>;
  /**
   * Lets `ms` pass for the store: a manual clock's `advance` in process; for a server,
   * whose clock cannot be moved, real time passing.
   */
  elapse(ms: number): Promise<void>;
  /** A time to live short enough to `elapse` past; every expiry case is built on it. */
  readonly ttlMs: number;
}

/**
 * The behaviour every Kv adapter must have. Registers one `describe` block; every case
 * uses keys of its own, so several suites may share one server.
 */
export function describeKvContract(name: string, target: KvContractTarget): void {
  describe(`Kv contract: ${name}`, () => {
    let kv: Kv;
    const key = (label: string) => `contract:${label}:${randomUUID()}`;
    const ttlMs = target.ttlMs;

    beforeAll(async () => {
      kv = await target.open();
    });
    afterAll(async () => {
      await kv?.close();
    });

    it("gets, sets, overwrites and deletes values", async () => {
      const name = key("value");
      expect(await kv.get(name)).toBeNull();
      expect(await kv.set(name, "one")).toBe(true);
      expect(await kv.get(name)).toBe("one");
      expect(await kv.set(name, "two")).toBe(true);
      expect(await kv.get(name)).toBe("two");
      await kv.del(name);
      expect(await kv.get(name)).toBeNull();
      await kv.del(name);
    });

    it("keeps values exactly as given", async () => {
      const values = ["OK", "007", "", "ünïcode ✓ 🚀", 'line\nbreak "quoted" \\', "null", '{"a":1}'];
      for (const value of values) {
        const name = key("exact");
        await kv.set(name, value);
        expect(await kv.get(name)).toBe(value);
      }
    });

    it("sets if absent only once, as a de-duplication check", async () => {
      const name = key("dedupe");
      expect(await kv.set(name, "first", { ifAbsent: true, ttlMs: ttlMs * 1000 })).toBe(true);
      expect(await kv.set(name, "second", { ifAbsent: true, ttlMs: ttlMs * 1000 })).toBe(false);
      expect(await kv.get(name)).toBe("first");
      await kv.del(name);
      expect(await kv.set(name, "third", { ifAbsent: true })).toBe(true);
      expect(await kv.get(name)).toBe("third");
    });

    it("runs concurrent set-if-absent calls with exactly one winner", async () => {
      const name = key("race");
      const wins = await Promise.all(
        Array.from({ length: 8 }, (_, index) => kv.set(name, String(index), { ifAbsent: true })),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await kv.get(name)).toBe(String(wins.indexOf(true)));
    });

    it("expires a value after its time to live, and the key can be taken again", async () => {
      const short = key("short");
      const long = key("long");
      const plain = key("plain");
      await kv.set(short, "x", { ttlMs, ifAbsent: true });
      await kv.set(long, "y", { ttlMs: ttlMs * 1000 });
      await kv.set(plain, "z", { ttlMs });
      await kv.set(plain, "z"); // a plain set clears the earlier expiry
      await target.elapse(ttlMs * 2);
      expect(await kv.get(short)).toBeNull();
      expect(await kv.get(long)).toBe("y");
      expect(await kv.get(plain)).toBe("z");
      expect(await kv.set(short, "again", { ifAbsent: true })).toBe(true);
    });

    it("counts up and down from zero", async () => {
      const name = key("counter");
      expect(await kv.incrBy(name, 1)).toBe(1);
      expect(await kv.incrBy(name, 41)).toBe(42);
      expect(await kv.incrBy(name, -50)).toBe(-8);
      expect(await kv.get(name)).toBe("-8");
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => kv.incrBy(name, 1)));
      expect(concurrent.sort((a, b) => a - b)).toEqual([-7, -6, -5, -4, -3, -2, -1, 0, 1, 2]);
    });

    it("applies a counter's time to live when it is created, not on later increments", async () => {
      const name = key("budget");
      expect(await kv.incrBy(name, 5, { ttlMs })).toBe(5);
      expect(await kv.incrBy(name, 5, { ttlMs: ttlMs * 1000 })).toBe(10);
      await target.elapse(ttlMs * 2);
      expect(await kv.get(name)).toBeNull();
      expect(await kv.incrBy(name, 1)).toBe(1);
    });

    it("adds within a limit only, atomically, so concurrent reservations never pass it", async () => {
      const name = key("within");
      expect(await kv.incrByWithin(name, 60, 100)).toBe(60);
      expect(await kv.incrByWithin(name, 50, 100)).toBeNull();
      expect(await kv.get(name)).toBe("60");
      expect(await kv.incrByWithin(name, 40, 100)).toBe(100);
      expect(await kv.incrByWithin(name, -30, 100)).toBe(70);
      const race = key("within-race");
      const taken = await Promise.all(Array.from({ length: 50 }, () => kv.incrByWithin(race, 7, 100)));
      expect(taken.filter((value) => value !== null)).toHaveLength(14);
      expect(await kv.get(race)).toBe("98");
    });

    it("gives a reserved counter its time to live when it is created", async () => {
      const name = key("within-ttl");
      expect(await kv.incrByWithin(name, 5, 10, { ttlMs })).toBe(5);
      await target.elapse(ttlMs * 2);
      expect(await kv.get(name)).toBeNull();
    });

    it("refuses to count a value that is not an integer", async () => {
      const name = key("text");
      await kv.set(name, "not a number");
      await expect(kv.incrBy(name, 1)).rejects.toThrow(/integer/);
      await expect(kv.incrByWithin(name, 1, 10)).rejects.toThrow(/integer/);
      expect(await kv.get(name)).toBe("not a number");
    });
  });
}
