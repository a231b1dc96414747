import { rejectionOf } from "@mesh-six/testing";
import { describe, expect, it } from "vitest";
import { createGitHubClient } from "./client.ts";
import { GitHubError } from "./errors.ts";
import { githubDependencyCheck } from "./health.ts";
import { documentedErrors, octokitScenario, recordedGitHub } from "./testing/index.ts";

const failureOf = (call: Promise<unknown>) => rejectionOf(call, GitHubError);

describe("createGitHubClient against Octokit's recorded answers", () => {
  it("reads a repository's summary, sending the token and the API version", async () => {
    const fetch = recordedGitHub();
    const github = createGitHubClient({ token: "ghp_test", fetch });
    expect(await github.repository("octokit-fixture-org", "hello-world")).toEqual({
      fullName: "octokit-fixture-org/hello-world",
      url: "https://github.com/octokit-fixture-org/hello-world",
      description: null,
      stars: 42,
      forks: 42,
      openIssues: 42,
      language: null,
      topics: ["fixtures", "hello", "hello-world"],
      license: null,
      defaultBranch: "master",
      archived: false,
      pushedAt: "2017-10-10T16:00:00Z",
    });
    const [request] = fetch.requests;
    expect(request?.headers.get("authorization")).toBe("token ghp_test");
    expect(request?.headers.get("x-github-api-version")).toBe("2022-11-28");
  });

  it("lists a directory and reads a file raw", async () => {
    const github = createGitHubClient({ fetch: recordedGitHub() });
    const entries = await github.contents("octokit-fixture-org", "hello-world");
    expect(entries.map((entry) => entry.path)).toContain("README.md");
    expect(await github.file("octokit-fixture-org", "hello-world", "README.md")).toContain("# hello-world");
  });

  it("reads a page of issues with the next page's link, and searches issues", async () => {
    const github = createGitHubClient({ fetch: recordedGitHub() });
    const page = await github.issues("octokit-fixture-org", "paginate-issues", { perPage: 3 });
    expect(page.issues).toHaveLength(3);
    expect(page.next).toBe("https://api.github.com/repositories/1000/issues?per_page=3&page=2");
    const found = await github.searchIssues("sesame repo:octokit-fixture-org/search-issues");
    expect(found.total).toBeGreaterThan(0);
    expect(found.issues[0]?.title).toMatch(/sesame/i);
  });

  it("refuses names that cannot be GitHub's before any request", async () => {
    const fetch = recordedGitHub();
    const failure = await failureOf(createGitHubClient({ fetch }).repository("octokit/../x", "y"));
    expect(failure).toMatchObject({ kind: "invalid", retryable: false });
    expect(failure.message).toMatch(/github.com\/<owner>\/<repository>/);
    expect(fetch.requests).toHaveLength(0);
  });

  it("a 422 Octokit recorded is an invalid request, not retryable", async () => {
    const [validation] = octokitScenario("errors");
    expect(validation?.status).toBe(422);
    const fetch = recordedGitHub([
      { ...validation!, method: "GET", path: "/repos/octokit-fixture-org/errors" },
    ]);
    const failure = await failureOf(
      createGitHubClient({ fetch }).repository("octokit-fixture-org", "errors"),
    );
    expect(failure).toMatchObject({ kind: "invalid", retryable: false, status: 422 });
    expect(failure.message).toContain("Validation Failed");
  });
});

describe("GitHub's documented errors", () => {
  const github = createGitHubClient({
    fetch: recordedGitHub(documentedErrors()),
    now: () => 1_507_651_170_000,
  });

  it.each([
    ["no-such-repository", "not_found", false, /private repository needs GITHUB_TOKEN/],
    ["bad-credentials", "unauthorized", false, /GITHUB_TOKEN is wrong or expired/],
    ["rate-limited", "rate_limited", true, /resets in 30 s.*set GITHUB_TOKEN for 5000/],
    ["secondary-limit", "rate_limited", true, /resets in 30 s/],
    ["unicorn", "unavailable", true, /503/],
  ] as const)("%s is %s (retryable: %s)", async (name, kind, retryable, message) => {
    const failure = await failureOf(github.repository("octokit-fixture-org", name));
    expect(failure).toMatchObject({ kind, retryable });
    expect(failure.message).toMatch(message);
    if (kind === "rate_limited") expect(failure.retryAfterSeconds).toBe(30);
  });

  it("a refused connection is retryable; a host that does not resolve is not", async () => {
    const refuse = (code: string) => async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
    };
    expect(
      await failureOf(createGitHubClient({ fetch: refuse("ECONNREFUSED") }).repository("a", "b")),
    ).toMatchObject({
      kind: "unavailable",
      retryable: true,
    });
    const unresolved = await failureOf(
      createGitHubClient({ fetch: refuse("ENOTFOUND") }).repository("a", "b"),
    );
    expect(unresolved).toMatchObject({ kind: "unreachable", retryable: false });
    expect(unresolved.message).toMatch(/GITHUB_API_URL/);
  });

  it("an answer that is not GitHub's API says to check the URL", async () => {
    const fetch = async () => new Response("<html>hello</html>", { status: 200 });
    const failure = await failureOf(createGitHubClient({ fetch }).repository("a", "b"));
    expect(failure).toMatchObject({ kind: "unreachable", retryable: false });
  });
});

describe("settings", () => {
  it("a base URL that is not http(s) is a ConfigError naming GITHUB_API_URL", () => {
    expect(() => createGitHubClient({ baseUrl: "api.github.com" })).toThrow(/GITHUB_API_URL/);
  });

  it("GitHub Enterprise's /api/v3 prefix is kept", async () => {
    const fetch = recordedGitHub();
    const github = createGitHubClient({ baseUrl: "https://ghe.example.com/api/v3/", fetch });
    expect((await github.repository("octokit-fixture-org", "hello-world")).stars).toBe(42);
  });

  it("the dependency check GETs the API root from GITHUB_API_URL", () => {
    expect(githubDependencyCheck()).toEqual({ name: "github", url: "{GITHUB_API_URL}/", expectStatus: 200 });
  });
});
