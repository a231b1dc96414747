import { describe, expect, it } from "vitest";
import { createOffsetTracker } from "./offset-tracker.ts";

describe("createOffsetTracker", () => {
  it("commits past each record as it is done in order", () => {
    const tracker = createOffsetTracker();
    expect(tracker.take("0")).toBe(true);
    expect(tracker.take("1")).toBe(true);
    expect(tracker.done("0")).toBe("1");
    expect(tracker.done("1")).toBe("2");
    expect(tracker.open).toBe(0);
  });

  it("holds the commit back until every earlier record is done", () => {
    const tracker = createOffsetTracker();
    for (const offset of ["5", "6", "7", "8"]) tracker.take(offset);
    expect(tracker.done("7")).toBeUndefined();
    expect(tracker.done("6")).toBeUndefined();
    expect(tracker.open).toBe(2);
    expect(tracker.done("5")).toBe("8");
    expect(tracker.done("8")).toBe("9");
  });

  it("skips gaps in the offsets the fetch returned", () => {
    const tracker = createOffsetTracker();
    tracker.take("10");
    tracker.take("14");
    expect(tracker.done("14")).toBeUndefined();
    expect(tracker.done("10")).toBe("15");
  });

  it("refuses records taken before, open or done, so a re-fetch delivers nothing twice", () => {
    const tracker = createOffsetTracker();
    tracker.take("0");
    tracker.take("1");
    tracker.take("2");
    tracker.done("0");
    tracker.done("2");
    expect(["0", "1", "2"].map((offset) => tracker.take(offset))).toEqual([false, false, false]);
    expect(tracker.take("3")).toBe(true);
    expect(tracker.open).toBe(2);
  });

  it("ignores a record it never took or already finished", () => {
    const tracker = createOffsetTracker();
    tracker.take("3");
    expect(tracker.done("4")).toBeUndefined();
    expect(tracker.done("3")).toBe("4");
    expect(tracker.done("3")).toBeUndefined();
  });

  it("handles offsets beyond 2^53", () => {
    const tracker = createOffsetTracker();
    tracker.take("9007199254740993");
    expect(tracker.done("9007199254740993")).toBe("9007199254740994");
  });
});
