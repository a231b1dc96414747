import { describe, expect, it } from "vitest";
import { TaskRequested } from "./task.ts";

describe("defineEvent", () => {
  it("builds an event that parses back to the same data", () => {
    const event = TaskRequested.create({ source: "/test", data: { capability: "general-query" } });
    expect(event.type).toBe("dev.meshsix.task.requested");
    const parsed = TaskRequested.parse(event);
    expect(parsed).toEqual({
      ok: true,
      data: { capability: "general-query", payload: {}, priority: 5, timeout: 120 },
    });
  });

  it("reports what is wrong with invalid data instead of throwing", () => {
    const event = TaskRequested.create({ source: "/test", data: { capability: "x" } });
    const parsed = TaskRequested.parse({ ...event, data: { capability: "", priority: 11 } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/priority/);
  });

  it("exports its JSON Schema", () => {
    const schema = TaskRequested.jsonSchema();
    expect(schema).toMatchObject({ type: "object", required: ["capability"] });
  });
});
