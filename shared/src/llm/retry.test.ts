import { describe, expect, it } from "vitest";
import { sdkRetryDelayMs } from "./retry.ts";

describe("the AI SDK's retry wait", () => {
  it("takes retry-after-ms first, then retry-after in seconds", () => {
    expect(sdkRetryDelayMs({ "retry-after-ms": "25", "retry-after": "1" }, 1)).toBe(25);
    expect(sdkRetryDelayMs({ "retry-after": "20" }, 1)).toBe(20_000);
    expect(sdkRetryDelayMs({ "retry-after": "0.5" }, 2)).toBe(500);
  });

  it("reads retry-after as an HTTP date", () => {
    const wait = sdkRetryDelayMs({ "retry-after": new Date(Date.now() + 30_000).toUTCString() }, 1);
    expect(wait).toBeGreaterThan(20_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });

  it("backs off 2 s, 4 s, 8 s without a usable header", () => {
    expect(sdkRetryDelayMs(undefined, 1)).toBe(2000);
    expect(sdkRetryDelayMs({}, 2)).toBe(4000);
    expect(sdkRetryDelayMs({ "retry-after": "soon" }, 3)).toBe(8000);
    expect(sdkRetryDelayMs({ "retry-after": "-1" }, 1)).toBe(2000);
  });

  it("ignores a wait of a minute or more unless the backoff is longer still", () => {
    expect(sdkRetryDelayMs({ "retry-after": "60" }, 1)).toBe(2000);
    expect(sdkRetryDelayMs({ "retry-after-ms": "70000" }, 7)).toBe(70_000);
  });
});
