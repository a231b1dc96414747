import { TaskCompleted, TaskRequested } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import { NonRetryableError } from "../errors.ts";
import { parseEventOrThrow } from "./parse.ts";

describe("parseEventOrThrow", () => {
  it("returns the typed data with the schema's defaults applied", () => {
    const event = TaskRequested.create({ source: "/test", data: { capability: "general-query" } });
    const data = parseEventOrThrow(TaskRequested, event);
    expect(data.priority).toBe(5);
    expect(data.capability).toBe("general-query");
  });

  it("throws a NonRetryableError naming the field at fault", () => {
    const event = TaskRequested.create({ source: "/test", data: { capability: "x" } });
    const broken = { ...event, data: { capability: "x", priority: 11 } };
    expect(() => parseEventOrThrow(TaskRequested, broken)).toThrow(NonRetryableError);
    expect(() => parseEventOrThrow(TaskRequested, broken)).toThrow(/priority/);
  });

  it("throws when the event is of another type", () => {
    const event = TaskRequested.create({ source: "/test", data: { capability: "x" } });
    expect(() => parseEventOrThrow(TaskCompleted, event)).toThrow(/expected an event of type/);
  });
});
