import { describe, expect, it } from "vitest";
import { classifyStatus, parseDuration, retryDelayMs, timeoutMs } from "./delivery-policy.ts";

describe("parseDuration", () => {
  it.each([
    ["PT1S", 1000],
    ["PT0.5S", 500],
    ["PT0,25S", 250],
    ["PT2M", 120_000],
    ["PT1H30M", 5_400_000],
    ["P1D", 86_400_000],
    ["P1W", 604_800_000],
    ["P1DT1S", 86_401_000],
    ["pt10s", 10_000],
    ["-PT1S", -1000],
    ["PT0S", 0],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "1s", "P", "PT", "P1DT", "PT1.S", "PT-1S", "1000", "PT1S2M"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("doubles from twice the delay for exponential backoff", () => {
    const spec = { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT1S" } as const;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(spec, n))).toEqual([2000, 4000, 8000, undefined]);
  });

  it("is exponential when no policy is named", () => {
    expect(retryDelayMs({ retry: 2, backoffDelay: "PT0.5S" }, 2)).toBe(2000);
  });

  it("grows by the delay for linear backoff", () => {
    const spec = { retry: 3, backoffPolicy: "linear", backoffDelay: "PT2S" } as const;
    expect([1, 2, 3].map((n) => retryDelayMs(spec, n))).toEqual([2000, 4000, 6000]);
  });

  it("waits from one second when retry is set without a delay", () => {
    expect(retryDelayMs({ retry: 1, backoffPolicy: "linear" }, 1)).toBe(1000);
    expect(retryDelayMs({ retry: 1 }, 1)).toBe(2000);
  });

  it("never retries without a delivery policy or a retry count", () => {
    expect(retryDelayMs(undefined, 1)).toBeUndefined();
    expect(retryDelayMs({ backoffDelay: "PT1S" }, 1)).toBeUndefined();
    expect(retryDelayMs({ retry: 0 }, 1)).toBeUndefined();
  });
});

describe("timeoutMs", () => {
  it("reads the timeout, ten minutes when unset", () => {
    expect(timeoutMs({ timeout: "PT5S" })).toBe(5000);
    expect(timeoutMs(undefined)).toBe(600_000);
  });
});

describe("classifyStatus", () => {
  it.each([
    [200, "success"],
    [202, "success"],
    [204, "success"],
    [500, "retry"],
    [503, "retry"],
    [404, "retry"],
    [408, "retry"],
    [409, "retry"],
    [429, "retry"],
    [400, "dead-letter"],
    [401, "dead-letter"],
    [403, "dead-letter"],
    [422, "dead-letter"],
    [301, "dead-letter"],
    [302, "dead-letter"],
  ])("classifies %d as %s", (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });
});
