import { describe, expect, it } from "vitest";
import { findEventType } from "./catalog.ts";
import { defineEventFamily, memberName } from "./family.ts";
import { GitHubWebhook } from "./webhook.ts";

describe("defineEventFamily", () => {
  it("names its members under its prefix, in the characters a type keeps", () => {
    expect(GitHubWebhook.type).toBe("dev.meshsix.github.*");
    expect(GitHubWebhook.typeOf("pull_request")).toBe("dev.meshsix.github.pull_request");
    expect(GitHubWebhook.typeOf("Security-Advisory.Hatched")).toBe(
      "dev.meshsix.github.security_advisory_hatched",
    );
    expect(memberName("e".repeat(80))).toHaveLength(64);
    expect(memberName("--")).toBeUndefined();
    expect(() => GitHubWebhook.typeOf("..")).toThrow(/no character an event type can keep/);
  });

  it("includes, parses and finds in the catalog every member, known today or not", () => {
    expect(GitHubWebhook.includes("dev.meshsix.github.push")).toBe(true);
    expect(GitHubWebhook.includes("dev.meshsix.github.")).toBe(false);
    expect(GitHubWebhook.includes("dev.meshsix.gitea.push")).toBe(false);
    expect(findEventType("dev.meshsix.github.brand_new_event")).toBe(GitHubWebhook);
    expect(findEventType("dev.meshsix.github.*")).toBe(GitHubWebhook);
    const event = GitHubWebhook.create({
      type: "dev.meshsix.github.star",
      source: "/github/o/r",
      data: { action: "created" },
    });
    expect(GitHubWebhook.parse(event)).toEqual({ ok: true, data: { action: "created" } });
    expect(GitHubWebhook.parse({ ...event, data: [1] })).toMatchObject({ ok: false });
    expect(GitHubWebhook.parse({ ...event, type: "dev.meshsix.task.requested" })).toMatchObject({
      ok: false,
    });
  });

  it("needs a member's full type to create one, and a prefix that ends in a dot", () => {
    expect(() => GitHubWebhook.create({ source: "/s", data: {} })).toThrow(/needs its full type/);
    expect(() =>
      defineEventFamily("dev.meshsix.github", { schema: GitHubWebhook.schema, description: "" }),
    ).toThrow(/ending in a dot/);
  });
});
