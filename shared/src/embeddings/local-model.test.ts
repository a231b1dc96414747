import { embed, embedMany } from "ai";
import { describe, expect, it } from "vitest";
import { createLocalEmbeddingModel, localEmbedding, localEmbeddingModelId } from "./local-model.ts";

const cosine = (a: readonly number[], b: readonly number[]) =>
  a.reduce((sum, value, index) => sum + value * b[index]!, 0);
const similarity = (a: string, b: string) => cosine(localEmbedding(a, 512), localEmbedding(b, 512));

describe("the local embedder", () => {
  it("gives the same unit-length vector for the same text, every time", () => {
    const first = localEmbedding("I prefer concise answers.", 512);
    expect(first).toHaveLength(512);
    expect(localEmbedding("I prefer concise answers.", 512)).toEqual(first);
    expect(cosine(first, first)).toBeCloseTo(1, 10);
  });

  it("scores lexically related texts above unrelated ones", () => {
    const memory = "The user prefers concise answers.";
    expect(similarity(memory, "Does the user like concise or detailed answers?")).toBeGreaterThan(
      similarity(memory, "Which Kubernetes namespace runs the database?"),
    );
    expect(
      similarity(
        "Our cluster runs PostgreSQL 16 on Kubernetes",
        "postgres version in the kubernetes cluster",
      ),
    ).toBeGreaterThan(0.2);
    expect(
      Math.abs(similarity("The cat sat on the mat", "Quarterly revenue grew by 4 percent")),
    ).toBeLessThan(0.15);
  });

  it("matches inflections and spelling variants through stems and trigrams", () => {
    const base = "deploying services with ArgoCD";
    expect(similarity(base, "deployed a service via argocd")).toBeGreaterThan(0.5);
    expect(similarity("postgresql", "postgres")).toBeGreaterThan(0.25);
  });

  it("has a defined direction for text without features", () => {
    const empty = localEmbedding("", 64);
    expect(cosine(empty, empty)).toBeCloseTo(1, 10);
    expect(localEmbedding("the and of", 64)).toEqual(empty);
  });

  it("is an AI SDK embedding model", async () => {
    const model = createLocalEmbeddingModel({ dimensions: 32 });
    expect(model.modelId).toBe(localEmbeddingModelId);
    const single = await embed({ model, value: "hello world" });
    expect(single.embedding).toEqual(localEmbedding("hello world", 32));
    const many = await embedMany({ model, values: ["a cat", "a dog"] });
    expect(many.embeddings).toEqual([localEmbedding("a cat", 32), localEmbedding("a dog", 32)]);
  });
});
