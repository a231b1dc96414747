import { rejectionOf } from "@mesh-six/testing";
import { describe, expect, it } from "vitest";
import { createSearchClient } from "./client.ts";
import { SearchError } from "./errors.ts";
import { searxngDependencyCheck } from "./health.ts";
import { searchDouble, searchFixtures } from "./testing/index.ts";

const failureOf = (call: Promise<unknown>) => rejectionOf(call, SearchError);

describe("SearXNG", () => {
  const searxng = () => {
    const double = searchDouble("searxng");
    return {
      double,
      client: createSearchClient({
        provider: "searxng",
        baseUrl: "http://searxng.test:8080/",
        fetch: double.fetch,
      }),
    };
  };

  it("searches through GET /search?format=json and answers hits with their engines", async () => {
    const { double, client } = searxng();
    const answer = await client.search("knative kafka broker", { limit: 5 });
    expect(double.requests[0]?.url.toString()).toBe(
      "http://searxng.test:8080/search?q=knative+kafka+broker&format=json",
    );
    expect(answer).toMatchObject({
      provider: "searxng",
      query: "knative kafka broker",
      unresponsive: ["google: timeout"],
    });
    expect(answer.hits[0]).toEqual({
      title: "Knative Kafka Broker",
      url: "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
      snippet: expect.stringContaining("Apache Kafka native"),
      engines: ["duckduckgo", "brave"],
    });
    expect((await client.search("knative", { limit: 1 })).hits).toHaveLength(1);
  });

  it("restricts a search to sites with site: filters", async () => {
    const { double, client } = searxng();
    const answer = await client.search("kafka broker config", { sites: ["knative.dev", "kafka.apache.org"] });
    expect(double.queries).toEqual(["kafka broker config (site:knative.dev OR site:kafka.apache.org)"]);
    expect(answer.hits[0]?.url).toMatch(/^https:\/\/knative\.dev\//);
  });

  it("403 (json not in search.formats) is refused and says how to enable it; 429 is retryable", async () => {
    const { client } = searxng();
    const refused = await failureOf(client.search("json disabled"));
    expect(refused).toMatchObject({ kind: "refused", retryable: false, status: 403, provider: "searxng" });
    expect(refused.message).toMatch(/add `json` to `search.formats`/);
    expect(await failureOf(client.search("too many"))).toMatchObject({
      kind: "rate_limited",
      retryable: true,
    });
  });

  it("an answer that is not SearXNG's JSON says to check SEARXNG_URL; a refused connection is retryable", async () => {
    const html = async () => new Response("<html></html>", { status: 200 });
    const failure = await failureOf(
      createSearchClient({ provider: "searxng", baseUrl: "http://x.test", fetch: html }).search("a"),
    );
    expect(failure).toMatchObject({ kind: "unreachable", retryable: false });
    expect(failure.message).toMatch(/SEARXNG_URL/);
    const refuse = async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      });
    };
    expect(
      await failureOf(
        createSearchClient({ provider: "searxng", baseUrl: "http://x.test", fetch: refuse }).search("a"),
      ),
    ).toMatchObject({ kind: "unavailable", retryable: true });
  });

  it("a limit outside 1–50 is refused before any request", async () => {
    const { double, client } = searxng();
    expect(await failureOf(client.search("a", { limit: 0 }))).toMatchObject({ kind: "bad_request" });
    expect(double.queries).toEqual([]);
  });

  it("every fixture names its source", () => {
    for (const fixture of [...searchFixtures("searxng"), ...searchFixtures("brave")]) {
      expect(fixture.source.length, fixture.name).toBeGreaterThan(40);
    }
  });
});

describe("Brave", () => {
  it("sends the key as X-Subscription-Token and answers the web results", async () => {
    const double = searchDouble("brave");
    const client = createSearchClient({ provider: "brave", apiKey: "brave-key", fetch: double.fetch });
    const answer = await client.search("knative kafka broker", { limit: 3 });
    expect(double.requests[0]?.url.toString()).toBe(
      "https://api.search.brave.com/res/v1/web/search?q=knative+kafka+broker&count=3",
    );
    expect(double.requests[0]?.headers.get("x-subscription-token")).toBe("brave-key");
    expect(answer.hits).toEqual([
      expect.objectContaining({
        title: "Knative Kafka Broker",
        engines: ["brave"],
        publishedAt: "2025-06-01T00:00:00",
      }),
    ]);
  });

  it("a refused key is refused with Brave's detail and what to fix", async () => {
    const client = createSearchClient({ provider: "brave", apiKey: "k", fetch: searchDouble("brave").fetch });
    const failure = await failureOf(client.search("bad key"));
    expect(failure).toMatchObject({ kind: "refused", retryable: false });
    expect(failure.message).toMatch(/subscription token is invalid.*BRAVE_SEARCH_API_KEY/);
  });
});

describe("settings", () => {
  it("name the variable to fix", () => {
    expect(() => createSearchClient({ provider: "searxng" })).toThrow(/SEARXNG_URL/);
    expect(() => createSearchClient({ provider: "brave" })).toThrow(/BRAVE_SEARCH_API_KEY: is required/);
    expect(() => createSearchClient({ provider: "bing" as "brave" })).toThrow(
      /SEARCH_PROVIDER.*searxng, brave/,
    );
  });

  it("the SearXNG dependency check GETs /healthz", () => {
    expect(searxngDependencyCheck()).toEqual({
      name: "searxng",
      url: "{SEARXNG_URL}/healthz",
      expectStatus: 200,
    });
  });
});
