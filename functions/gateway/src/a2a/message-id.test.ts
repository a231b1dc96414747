import { describe, expect, it } from "vitest";
import { taskIdOf } from "./message-id.ts";

const ops = { name: "ops", scopes: new Set<never>() };

describe("the task id a new message gets", () => {
  it("is the same for the same sender, card and messageId, and a UUID (version 8, the mesh's derived ids)", () => {
    expect(taskIdOf(ops, undefined, "m1")).toBe(taskIdOf(ops, undefined, "m1"));
    expect(taskIdOf(ops, undefined, "m1")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("cannot be reached by a messageId that carries another sender's separator", () => {
    // joined with newlines, as these ids once were, key "a" sending "\nm1" and key "a\n" sending "m1" met
    const first = taskIdOf({ ...ops, name: "a" }, undefined, "\nm1");
    const second = taskIdOf({ ...ops, name: "a\n" }, undefined, "m1");
    expect(first).not.toBe(second);
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
