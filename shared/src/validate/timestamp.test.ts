import { describe, expect, it } from "vitest";
import { timestampProblem } from "./timestamp.ts";

describe("timestampProblem", () => {
  it("accepts RFC 3339 timestamps of times that exist", () => {
    for (const time of [
      "2026-01-01T12:00:00Z",
      "2024-02-29T23:59:59.123456789+05:30",
      "2000-02-29t00:00:00z",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59-23:59",
    ]) {
      expect(timestampProblem(time), time).toBeUndefined();
    }
  });

  it("refuses times that do not exist, saying which part", () => {
    const cases: [string, string][] = [
      ["2026-02-30T00:00:00Z", "February 2026 has 28 days"],
      ["2023-02-29T00:00:00Z", "February 2023 has 28 days"],
      ["1900-02-29T00:00:00Z", "February 1900 has 28 days"],
      ["2026-04-31T00:00:00Z", "April 2026 has 30 days"],
      ["0000-01-01T00:00:00Z", "year 0000 does not exist"],
      ["2026-13-01T00:00:00Z", "month 13"],
      ["2026-01-00T00:00:00Z", "January 2026 has 31 days"],
      ["2026-01-01T24:00:00Z", "hour 24"],
      ["2026-01-01T00:60:00Z", "minute 60"],
      ["2026-01-01T00:00:60Z", "second 60"],
      ["2026-01-01T00:00:00+24:00", "offset"],
      ["2026-01-01", "not an RFC 3339 timestamp"],
      ["soon", "not an RFC 3339 timestamp"],
    ];
    for (const [time, reason] of cases) expect(timestampProblem(time), time).toContain(reason);
  });
});
