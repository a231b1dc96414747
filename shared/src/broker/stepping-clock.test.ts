import { describe, expect, it } from "vitest";
import { createSteppingClock } from "./stepping-clock.ts";

describe("stepping clock", () => {
  it("stops at every wake-up on the way, so work started by one can sleep again and still be on time", async () => {
    const clock = createSteppingClock(0);
    const woken: number[] = [];
    const chain = async () => {
      for (const ms of [100, 250, 400]) {
        await clock.sleep(ms);
        woken.push(clock.now());
      }
    };
    const done = chain();
    let settles = 0;
    await clock.advance(1000, async () => {
      settles++;
      await new Promise((resolve) => setImmediate(resolve));
    });
    await done;
    expect(woken).toEqual([100, 350, 750]);
    expect(clock.now()).toBe(1000);
    expect(settles).toBe(5);
    expect(clock.nextWakeAt).toBeUndefined();
  });

  it("forgets a sleeper that was aborted", async () => {
    const clock = createSteppingClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(500, controller.signal).catch((error: unknown) => error);
    expect(clock.nextWakeAt).toBe(500);
    controller.abort(new Error("stop"));
    expect(await sleeping).toEqual(new Error("stop"));
    expect(clock.nextWakeAt).toBeUndefined();
  });
});
