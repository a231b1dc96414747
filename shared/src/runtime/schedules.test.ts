import type { MeshEvent } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { ConfigError } from "../errors.ts";
import { defineFunction, type FunctionDefinition, type Schedule } from "../function/define.ts";
import { createLogger } from "../log/logger.ts";
import { deriveEventId } from "./ids.ts";
import { createScheduler } from "./schedules.ts";

const reporter = defineFunction({
  name: "reporter",
  description: "reports on a schedule",
  schedules: [
    { name: "quarter", schedule: "*/15 * * * *", data: { report: "usage" } },
    { name: "morning", schedule: "0 9 * * *", timezone: "Europe/Berlin" },
  ],
});

function schedulerUnderTest(
  definitions: readonly FunctionDefinition[] = [reporter],
  clock = createManualClock(),
) {
  const fired: MeshEvent[] = [];
  const lines: Record<string, unknown>[] = [];
  let brokerDown = false;
  const scheduler = createScheduler({
    definitions,
    namespace: "mesh-six",
    broker: "default",
    clock,
    logger: createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
    publish: async (event) => {
      if (brokerDown) throw new Error("broker unavailable");
      fired.push(event);
    },
  });
  const setBrokerDown = (down: boolean) => {
    brokerDown = down;
  };
  return { scheduler, clock, fired, lines, setBrokerDown };
}

const minutes = (count: number) => count * 60_000;

describe("createScheduler", () => {
  it("fires each schedule at its times, shaped like a Knative PingSource event", async () => {
    const { scheduler, clock, fired } = schedulerUnderTest();
    await clock.advance(minutes(60));
    expect(fired.map((event) => event.time)).toEqual([
      "2026-01-01T00:15:00.000Z",
      "2026-01-01T00:30:00.000Z",
      "2026-01-01T00:45:00.000Z",
      "2026-01-01T01:00:00.000Z",
    ]);
    const source = "/apis/v1/namespaces/mesh-six/pingsources/reporter-quarter";
    expect(fired[0]).toMatchObject({
      specversion: "1.0",
      type: "dev.knative.sources.ping",
      source,
      id: deriveEventId(source, "2026-01-01T00:15:00.000Z"),
      datacontenttype: "application/json",
      data: { report: "usage" },
    });
    await scheduler.stop();
  });

  it("reads the cron expression in the schedule's timezone", async () => {
    const { scheduler, clock, fired } = schedulerUnderTest();
    await clock.advance(minutes(8 * 60));
    const morning = fired.filter((event) => event.source.endsWith("/reporter-morning"));
    // 09:00 in Berlin is 08:00 UTC in winter
    expect(morning.map((event) => event.time)).toEqual(["2026-01-01T08:00:00.000Z"]);
    expect(morning[0]?.data).toBeUndefined();
    await scheduler.stop();
  });

  it("gives a double fire (two processes) the same ids, so de-duplication absorbs it", async () => {
    const clock = createManualClock();
    const first = schedulerUnderTest([reporter], clock);
    const second = schedulerUnderTest([reporter], clock);
    await clock.advance(minutes(30));
    expect(first.fired.map((event) => event.id)).toEqual(second.fired.map((event) => event.id));
    expect(first.fired).toHaveLength(2);
    await Promise.all([first.scheduler.stop(), second.scheduler.stop()]);
  });

  it("tells when each schedule fires next", async () => {
    const { scheduler, clock } = schedulerUnderTest();
    expect(scheduler.upcoming()).toEqual([
      {
        function: "reporter",
        schedule: "quarter",
        source: "/apis/v1/namespaces/mesh-six/pingsources/reporter-quarter",
        at: "2026-01-01T00:15:00.000Z",
      },
      {
        function: "reporter",
        schedule: "morning",
        source: "/apis/v1/namespaces/mesh-six/pingsources/reporter-morning",
        at: "2026-01-01T08:00:00.000Z",
      },
    ]);
    await clock.advance(minutes(15));
    expect(scheduler.upcoming()[0]?.at).toBe("2026-01-01T00:30:00.000Z");
    await scheduler.stop();
  });

  it("tries a refused fire again with the same id", async () => {
    const { scheduler, clock, fired, lines, setBrokerDown } = schedulerUnderTest();
    setBrokerDown(true);
    await clock.advance(minutes(15));
    expect(fired).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ level: "warn", schedule: "quarter", delayMs: 1_000 });
    setBrokerDown(false);
    await clock.advance(1_000);
    expect(fired.map((event) => event.time)).toEqual(["2026-01-01T00:15:00.000Z"]);
    await scheduler.stop();
  });

  it("stops firing when stopped", async () => {
    const { scheduler, clock, fired } = schedulerUnderTest();
    await clock.advance(minutes(15));
    await scheduler.stop();
    expect(clock.pending).toBe(0);
    await clock.advance(minutes(60));
    expect(fired).toHaveLength(1);
  });

  it("refuses invalid schedules at creation, naming the function and the schedule", () => {
    const broken = (schedule: Schedule) =>
      defineFunction({ name: "reporter", description: "broken", schedules: [schedule] });
    const create = (schedule: Schedule) => () => schedulerUnderTest([broken(schedule)]);
    expect(create({ name: "daily", schedule: "0 9 * *" })).toThrow(ConfigError);
    expect(create({ name: "daily", schedule: "0 9 * *" })).toThrow(
      /function reporter, schedule "daily": invalid cron expression "0 9 \* \*".*five fields/,
    );
    expect(create({ name: "daily", schedule: "61 9 * * *" })).toThrow(/minute/);
    expect(create({ name: "daily", schedule: "0 9 * * *", timezone: "Mars/Olympus" })).toThrow(
      /function reporter, schedule "daily": unknown timezone "Mars\/Olympus"/,
    );
    expect(create({ name: "Daily Report", schedule: "0 9 * * *" })).toThrow(/lowercase letters, digits/);
  });

  it("refuses two schedules of one function with the same name", () => {
    const twice = defineFunction({
      name: "reporter",
      description: "twice",
      schedules: [
        { name: "daily", schedule: "0 9 * * *" },
        { name: "daily", schedule: "0 10 * * *" },
      ],
    });
    expect(() => schedulerUnderTest([twice])).toThrow(/two schedules are named "daily"/);
  });
});
