import { describe, expect, it } from "vitest";
import type { CreateBrokerHarness } from "./harness.ts";
import { send, service, startWorld, trigger } from "./world.ts";

const base64 = (text: string) => Buffer.from(text).toString("base64");

export function deliveryContract(create: CreateBrokerHarness): void {
  describe("delivery", () => {
    it("retries a 503 at exactly the exponential delays, then dead-letters it with the knativeerror extensions", async () => {
      const world = await startWorld(
        create,
        [trigger("flaky", { delivery: { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT1S" } })],
        { flaky: () => ({ status: 503, body: "busy", headers: { "kne-reason": "overloaded" } }) },
      );
      try {
        const start = world.harness.clock.now();
        await send(world.harness, "e-1", { meshagent: "architect" });
        await world.harness.idle();
        expect(world.times("flaky", start)).toEqual([0]);
        await world.harness.advance(1999);
        expect(world.times("flaky", start)).toEqual([0]);
        await world.harness.advance(1);
        expect(world.times("flaky", start)).toEqual([0, 2000]);
        expect(await world.harness.listDeadLetters()).toEqual([]);
        await world.harness.advance(60_000);
        expect(world.times("flaky", start)).toEqual([0, 2000, 6000, 14000]);
        const [deadLetter, ...others] = await world.harness.listDeadLetters();
        expect(others).toEqual([]);
        expect(deadLetter).toMatchObject({
          trigger: "flaky",
          errorCode: 503,
          errorData: base64("busy"),
          attempts: 4,
        });
        expect(deadLetter?.event).toMatchObject({
          id: "e-1",
          meshagent: "architect",
          knativeerrordest: deadLetter?.subscriber,
          knativeerrorcode: "503",
          knativeerrordata: base64("busy"),
          reason: "overloaded",
        });
        expect(deadLetter?.subscriber).toContain("flaky");
      } finally {
        await world.harness.close();
      }
    });

    it("retries at linear delays, from one second when no delay is given", async () => {
      const world = await startWorld(
        create,
        [
          trigger("linear", { delivery: { retry: 3, backoffPolicy: "linear", backoffDelay: "PT2S" } }),
          trigger("default-delay", { delivery: { retry: 2 } }),
          trigger("no-policy"),
        ],
        {
          linear: () => ({ status: 500 }),
          "default-delay": () => ({ status: 500 }),
          "no-policy": () => ({ status: 500 }),
        },
      );
      try {
        const start = world.harness.clock.now();
        await send(world.harness, "e-1");
        await world.harness.advance(60_000);
        expect(world.times("linear", start)).toEqual([0, 2000, 6000, 12000]);
        expect(world.times("default-delay", start)).toEqual([0, 2000, 6000]);
        expect(world.times("no-policy", start)).toEqual([0]);
        const attempts = Object.fromEntries(
          (await world.harness.listDeadLetters()).map((deadLetter) => [
            deadLetter.trigger,
            deadLetter.attempts,
          ]),
        );
        expect(attempts).toEqual({ linear: 4, "default-delay": 3, "no-policy": 1 });
      } finally {
        await world.harness.close();
      }
    });

    it("retries 5xx, 404, 408, 409, 429; dead-letters 3xx and other 4xx at once", async () => {
      const statuses = [500, 502, 404, 408, 409, 429, 301, 400, 401, 403, 410, 422];
      const world = await startWorld(
        create,
        statuses.map((status) =>
          trigger(`status-${status}`, {
            filter: { code: String(status) },
            delivery: { retry: 1, backoffDelay: "PT1S" },
          }),
        ),
        Object.fromEntries(statuses.map((status) => [`status-${status}`, () => ({ status })])),
      );
      try {
        for (const status of statuses) await send(world.harness, `e-${status}`, { code: String(status) });
        await world.harness.advance(10_000);
        const calls = Object.fromEntries(
          statuses.map((status) => [status, world.ids(`status-${status}`).length]),
        );
        expect(calls).toEqual({
          500: 2,
          502: 2,
          404: 2,
          408: 2,
          409: 2,
          429: 2,
          301: 1,
          400: 1,
          401: 1,
          403: 1,
          410: 1,
          422: 1,
        });
        const codes = (await world.harness.listDeadLetters())
          .map((deadLetter) => deadLetter.errorCode)
          .sort();
        expect(codes).toEqual([...statuses].sort());
      } finally {
        await world.harness.close();
      }
    });

    it("dead-letters a 400 at once, even with retries left", async () => {
      const world = await startWorld(create, [trigger("strict", { delivery: { retry: 5 } })], {
        strict: () => ({ status: 400, body: '{"error":"bad input"}' }),
      });
      try {
        await send(world.harness, "e-1");
        await world.harness.advance(120_000);
        expect(world.ids("strict")).toEqual(["e-1"]);
        const [deadLetter] = await world.harness.listDeadLetters();
        expect(deadLetter).toMatchObject({
          errorCode: 400,
          attempts: 1,
          errorData: base64('{"error":"bad input"}'),
        });
      } finally {
        await world.harness.close();
      }
    });

    it("times an attempt out, retries it, and dead-letters it without a status", async () => {
      const world = await startWorld(
        create,
        [trigger("slow", { delivery: { retry: 1, backoffDelay: "PT1S", timeout: "PT1S" } })],
        { slow: () => ({ delayMs: 5000 }) },
      );
      try {
        const start = world.harness.clock.now();
        await send(world.harness, "e-1");
        await world.harness.advance(30_000);
        expect(world.times("slow", start)).toEqual([0, 3000]);
        const [deadLetter] = await world.harness.listDeadLetters();
        expect(deadLetter).toMatchObject({ errorCode: null, errorData: null, attempts: 2 });
        expect(deadLetter?.event.knativeerrordest).toBeDefined();
        expect(deadLetter?.event.knativeerrorcode).toBeUndefined();
      } finally {
        await world.harness.close();
      }
    });

    it("fails a 2xx answer whose body is not a CloudEvent", async () => {
      const world = await startWorld(create, [trigger("chatty", { delivery: { retry: 2 } })], {
        chatty: () => ({ status: 200, body: "thanks!" }),
      });
      try {
        await send(world.harness, "e-1");
        await world.harness.advance(30_000);
        expect(world.ids("chatty")).toEqual(["e-1"]);
        const [deadLetter] = await world.harness.listDeadLetters();
        expect(deadLetter).toMatchObject({ errorCode: 200, errorData: base64("thanks!") });
      } finally {
        await world.harness.close();
      }
    });

    it("sends the dead letter to the Trigger's dead-letter sink and stores it too", async () => {
      const world = await startWorld(
        create,
        [trigger("failing", { delivery: { deadLetterSink: service("sink") } })],
        { failing: () => ({ status: 422, body: "no" }) },
      );
      try {
        await send(world.harness, "e-1", { meshagent: "architect" }, { keep: "me" });
        await world.harness.idle();
        const [received] = world.subscriber("sink").received;
        expect(received?.event).toMatchObject({
          id: "e-1",
          meshagent: "architect",
          knativeerrorcode: "422",
          knativeerrordata: base64("no"),
          datacontenttype: "application/json",
          data: new TextEncoder().encode('{"keep":"me"}'),
        });
        expect(typeof received?.event.knativeerrordest).toBe("string");
        expect(await world.harness.listDeadLetters()).toHaveLength(1);
      } finally {
        await world.harness.close();
      }
    });
  });
}
