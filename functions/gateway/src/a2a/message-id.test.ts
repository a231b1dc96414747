import { describe, expect, it } from "vitest";
import { taskIdOf } from "./message-id.ts";

const ops = { name: "ops", scopes: new Set<never>() };

describe("the task id a new message gets", () => {
  it("is the same for the same sender, card and messageId, and a UUID in layout", () => {
    expect(taskIdOf(ops, undefined, "m1")).toBe(taskIdOf(ops, undefined, "m1"));
    expect(taskIdOf(ops, undefined, "m1")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("differs by messageId, by card, and by sender (a user's keys share one, a key not bound to a user is its own)", () => {
    const ids = [
      taskIdOf(ops, undefined, "m1"),
      taskIdOf(ops, undefined, "m2"),
      taskIdOf(ops, "asker", "m1"),
      taskIdOf({ ...ops, name: "ci" }, undefined, "m1"),
      taskIdOf({ ...ops, name: "ada-phone", user: "ada" }, undefined, "m1"),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(taskIdOf({ ...ops, name: "ada-laptop", user: "ada" }, undefined, "m1")).toBe(ids[4]);
  });
});
