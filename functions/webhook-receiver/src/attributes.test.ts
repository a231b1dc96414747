import { describe, expect, it } from "vitest";
import { actionOf, sourceOf, subjectOf } from "./attributes.ts";
import { gitea, github } from "./providers.ts";

describe("a delivery's source, subject and action", () => {
  it("takes the repository's web address, else its full name, then the organization, installation or sender", () => {
    expect(sourceOf(github, { repository: { html_url: "https://github.com/o/r", full_name: "o/r" } })).toBe(
      "https://github.com/o/r",
    );
    expect(sourceOf(github, { repository: { html_url: "javascript:alert(1)", full_name: "o/r" } })).toBe(
      "/github/o/r",
    );
    expect(sourceOf(gitea, { repository: { full_name: "o/r x" } })).toBe("/gitea/o/r%20x");
    expect(sourceOf(github, { organization: { login: "octo-org" } })).toBe("/github/orgs/octo-org");
    expect(sourceOf(gitea, { organization: { name: "org1" }, repository: null })).toBe("/gitea/orgs/org1");
    expect(sourceOf(github, { installation: { id: 42 } })).toBe("/github/installations/42");
    expect(sourceOf(github, { sender: { login: "monalisa" } })).toBe("/github/users/monalisa");
    expect(sourceOf(github, {})).toBe("/github");
    expect(sourceOf(github, { repository: { html_url: `https://github.com/${"a".repeat(2000)}` } })).toBe(
      "/github",
    );
  });

  it("names what it is about: a pull request, an issue, an item, a release, a run, a ref", () => {
    expect(subjectOf({ pull_request: { number: 7 }, issue: { number: 9 } })).toBe("pull/7");
    expect(subjectOf({ issue: { number: 9, pull_request: null } })).toBe("issues/9");
    expect(subjectOf({ issue: { number: 9, pull_request: { url: "…" } } })).toBe("pull/9");
    expect(subjectOf({ issue: { number: 9 }, is_pull: true })).toBe("pull/9");
    expect(subjectOf({ projects_v2_item: { node_id: "PVTI_x" } })).toBe("PVTI_x");
    expect(subjectOf({ discussion: { number: 3 } })).toBe("discussions/3");
    expect(subjectOf({ release: { tag_name: "v1.0" } })).toBe("releases/v1.0");
    expect(subjectOf({ workflow_run: { id: 30433642 } })).toBe("runs/30433642");
    expect(subjectOf({ ref: "refs/heads/main" })).toBe("refs/heads/main");
    expect(subjectOf({ issue: { number: -1 } })).toBeUndefined();
    expect(subjectOf({})).toBeUndefined();
  });

  it("carries the action when it is text that fits an extension", () => {
    expect(actionOf({ action: "opened" })).toBe("opened");
    expect(actionOf({ action: 3 })).toBeUndefined();
    expect(actionOf({ action: "x".repeat(201) })).toBeUndefined();
    expect(actionOf({ action: "a\u0000b" })).toBeUndefined();
  });
});
