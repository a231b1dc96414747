import { describe, expect, it } from "vitest";
import { deriveEventId } from "./ids.ts";

describe("deriveEventId", () => {
  it("gives the same UUID-shaped id for the same parts and another for other parts", () => {
    const id = deriveEventId("orchestrator", "/gateway", "event-1", "dev.meshsix.task.dispatched:0");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEventId("orchestrator", "/gateway", "event-1", "dev.meshsix.task.dispatched:0")).toBe(id);
    expect(deriveEventId("orchestrator", "/gateway", "event-1", "dev.meshsix.task.dispatched:1")).not.toBe(
      id,
    );
  });

  it("does not confuse parts that join to the same text", () => {
    expect(deriveEventId("a", "bc")).not.toBe(deriveEventId("ab", "c"));
  });
});
