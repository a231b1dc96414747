import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { lazyEmbeddingModel, lazyLanguageModel } from "./lazy-model.ts";
import { createOfflineModel } from "./offline-model.ts";

const call: LanguageModelV4CallOptions = {
  prompt: [{ role: "user", content: [{ type: "text", text: "2+2" }] }],
};

describe("models loaded at their first call", () => {
  it("loads nothing until called, then once, and answers as the loaded model does", async () => {
    let loads = 0;
    const real = createOfflineModel();
    const model = lazyLanguageModel({ provider: "test.chat", modelId: "offline" }, async () => {
      loads += 1;
      return real;
    });
    expect([model.provider, model.modelId, loads]).toEqual(["test.chat", "offline", 0]);
    const [first, second] = await Promise.all([model.doGenerate(call), model.doGenerate(call)]);
    expect(loads).toBe(1);
    expect(first.content).toEqual((await real.doGenerate(call)).content);
    expect(second.content).toEqual(first.content);
    expect(await model.supportedUrls).toEqual(await real.supportedUrls);
  });

  it("fails every call with the loading error when the provider cannot be loaded", async () => {
    const model: LanguageModelV4 = lazyLanguageModel({ provider: "test.chat", modelId: "m" }, () =>
      Promise.reject(new Error("Cannot find package '@ai-sdk/openai'")),
    );
    await expect(model.doGenerate(call)).rejects.toThrow("Cannot find package");
    await expect(model.doStream(call)).rejects.toThrow("Cannot find package");
  });

  it("passes an embedding model's limits and calls through", async () => {
    const model = lazyEmbeddingModel({ provider: "test.embedding", modelId: "e" }, async () => ({
      specificationVersion: "v4",
      provider: "test.embedding",
      modelId: "e",
      maxEmbeddingsPerCall: 7,
      supportsParallelCalls: false,
      doEmbed: async ({ values }) => ({ embeddings: values.map((value) => [value.length]), warnings: [] }),
    }));
    expect(await model.maxEmbeddingsPerCall).toBe(7);
    expect(await model.supportsParallelCalls).toBe(false);
    expect((await model.doEmbed({ values: ["ab", "abc"] })).embeddings).toEqual([[2], [3]]);
  });
});
