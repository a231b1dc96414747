import { describe, expect, it } from "vitest";
import { createManualClock } from "./clock.ts";

describe("createManualClock", () => {
  it("wakes sleepers in time order when advanced", async () => {
    const clock = createManualClock(0);
    const woken: number[] = [];
    const first = clock.sleep(200).then(() => woken.push(clock.now()));
    const second = clock.sleep(100).then(() => woken.push(clock.now()));
    await clock.advance(250);
    await Promise.all([first, second]);
    expect(woken).toEqual([100, 200]);
    expect(clock.now()).toBe(250);
  });

  it("leaves other sleepers alone when the signal of one that already woke is aborted", async () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    const short = clock.sleep(100, controller.signal);
    let longWoke = false;
    const long = clock.sleep(1_000).then(() => {
      longWoke = true;
    });
    await clock.advance(100);
    await short;
    controller.abort();
    expect(clock.pending).toBe(1);
    await clock.advance(900);
    await long;
    expect(longWoke).toBe(true);
  });

  it("rejects with the signal's reason and forgets the sleeper when aborted first", async () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    const nap = clock.sleep(100, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(nap).rejects.toThrow("stopped");
    expect(clock.pending).toBe(0);
  });
});
