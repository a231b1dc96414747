import { loadRecordedResponse } from "@mesh-six/testing-openai";
import { describe, expect, it } from "vitest";
import { memoryConfig } from "../config/memory.ts";
import { readConfig } from "../config/read.ts";
import { ConfigError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import { createEmbedder } from "./create.ts";
import { localEmbedding } from "./local-model.ts";

// Hand-written in the shape OpenAI documents for POST /v1/embeddings, not recorded (see its provenance).
const documented = loadRecordedResponse(new URL("./__fixtures__/openai-embeddings.json", import.meta.url));

interface Sent {
  readonly url: string;
  readonly authorization: string | null;
  readonly body: Record<string, unknown>;
}

/** A fetch that answers with the fixture (OpenAI's documented shape) and keeps what was sent. */
function recordingFetch(status = documented.status, body: unknown = documented.body) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    sent.push({
      url: String(input),
      authorization: headers.get("authorization"),
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
    });
    return new Response(JSON.stringify(body), { status, headers: documented.headers });
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

describe("createEmbedder", () => {
  it("uses the labelled local embedder when no embedding model is configured", async () => {
    const embedder = createEmbedder({ config: readConfig(memoryConfig, { EMBEDDING_DIMENSIONS: "64" }) });
    expect(embedder).toMatchObject({ local: true, modelId: "mesh-six-local-hash-v1", dimensions: 64 });
    expect(await embedder.embed("concise answers")).toEqual(localEmbedding("concise answers", 64));
    expect(await embedder.embedMany([])).toEqual([]);
  });

  it("asks an OpenAI-compatible endpoint through the AI SDK, with the dimensions text-embedding-3 takes", async () => {
    const { fetch, sent } = recordingFetch();
    const embedder = createEmbedder({
      config: readConfig(memoryConfig, {
        LLM_BASE_URL: "http://llm.test/v1",
        LLM_API_KEY: "sk-llm",
        EMBEDDING_MODEL: "text-embedding-3-small",
        EMBEDDING_DIMENSIONS: "4",
      }),
      fetch,
    });
    expect(embedder.local).toBe(false);
    const vectors = await embedder.embedMany(["I prefer concise answers.", "The cluster runs k3s."]);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toEqual([0.5923831, -0.19412483, 0.7190347, 0.30572286]);
    expect(sent).toEqual([
      {
        url: "http://llm.test/v1/embeddings",
        authorization: "Bearer sk-llm",
        body: {
          model: "text-embedding-3-small",
          input: ["I prefer concise answers.", "The cluster runs k3s."],
          encoding_format: "float",
          dimensions: 4,
        },
      },
    ]);
  });

  it("prefers EMBEDDING_BASE_URL and EMBEDDING_API_KEY, and sends no dimensions to other models", async () => {
    const { fetch, sent } = recordingFetch();
    const embedder = createEmbedder({
      config: readConfig(memoryConfig, {
        LLM_BASE_URL: "http://llm.test/v1",
        EMBEDDING_BASE_URL: "http://ollama.test/v1",
        EMBEDDING_API_KEY: "sk-embed",
        EMBEDDING_MODEL: "nomic-embed-text",
        EMBEDDING_DIMENSIONS: "4",
      }),
      fetch,
    });
    await embedder.embedMany(["a", "b"]);
    expect(sent[0]?.url).toBe("http://ollama.test/v1/embeddings");
    expect(sent[0]?.authorization).toBe("Bearer sk-embed");
    expect(sent[0]?.body).not.toHaveProperty("dimensions");
  });

  it("says which setting to change when the model's vectors have another length", async () => {
    const { fetch } = recordingFetch();
    const embedder = createEmbedder({
      config: readConfig(memoryConfig, {
        LLM_BASE_URL: "http://llm.test/v1",
        EMBEDDING_MODEL: "nomic-embed-text",
      }),
      fetch,
    });
    const error = await embedder.embedMany(["a", "b"]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "EMBEDDING_DIMENSIONS: the embedding model nomic-embed-text returns vectors of 4 numbers but EMBEDDING_DIMENSIONS is 512; set EMBEDDING_DIMENSIONS=4",
    );
  });

  it("turns endpoint failures into LlmError and refuses a model without an endpoint", async () => {
    const { fetch } = recordingFetch(429, {
      error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    const embedder = createEmbedder({
      config: readConfig(memoryConfig, {
        EMBEDDING_BASE_URL: "http://llm.test/v1",
        EMBEDDING_MODEL: "text-embedding-3-small",
        LLM_MAX_RETRIES: "0",
      }),
      fetch,
    });
    const error = await embedder.embed("a").catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ type: "rate_limited", retryable: true });
    expect(() =>
      createEmbedder({ config: readConfig(memoryConfig, { EMBEDDING_MODEL: "text-embedding-3-small" }) }),
    ).toThrow(/EMBEDDING_BASE_URL: EMBEDDING_MODEL is text-embedding-3-small but no endpoint is set/);
  });

  it("embeds a private task's text only with the local embedder: a configured model refuses it before sending", async () => {
    const { fetch, sent } = recordingFetch();
    const configured = createEmbedder({
      config: readConfig(memoryConfig, {
        EMBEDDING_BASE_URL: "http://llm.test/v1",
        EMBEDDING_MODEL: "text-embedding-3-small",
        EMBEDDING_DIMENSIONS: "4",
      }),
      fetch,
    });
    const context = { agentId: "general-agent", taskId: "t-private", private: true };
    const error = await configured
      .embedMany(["my diagnosis is private"], { context })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ type: "permission", retryable: false });
    expect((error as Error).message).toContain("this task is private");
    expect(sent).toEqual([]);
    // the same text of a task that is not private goes to the model
    await configured.embedMany(["my diagnosis is private", "and so is this"], {
      context: { ...context, private: false },
    });
    expect(sent).toHaveLength(1);
    const local = createEmbedder({ config: readConfig(memoryConfig, { EMBEDDING_DIMENSIONS: "64" }) });
    expect(await local.embed("my diagnosis is private", { context })).toEqual(
      localEmbedding("my diagnosis is private", 64),
    );
  });
});
