import type { EmbeddingModelV4 } from "@ai-sdk/provider";
import { isStopword, stem, wordsOf } from "./words.ts";

export const localEmbeddingModelId = "mesh-six-local-hash-v1";

// How much each kind of feature counts: whole words most, word pairs for phrasing,
// character trigrams so that spelling variants and compounds still meet.
const wordWeight = 1;
const pairWeight = 0.5;
const trigramWeight = 0.3;

/**
 * Deterministic text features hashed into `dimensions` signed buckets and scaled to unit
 * length: stemmed words (stopwords left out), pairs of neighbouring words and character
 * trigrams of each word. Texts that share words or word parts point the same way, so
 * their cosine similarity is higher than that of unrelated texts, which sits near 0.
 * Lexical only: "dog" and "puppy" are unrelated to it.
 */
export function localEmbedding(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    const index = hash % dimensions;
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    vector[index] = (vector[index] ?? 0) + sign * weight;
  };
  const stems = wordsOf(text)
    .filter((word) => !isStopword(word))
    .map(stem);
  const counts = new Map<string, number>();
  for (const word of stems) counts.set(word, (counts.get(word) ?? 0) + 1);
  for (const [word, count] of counts) {
    // Sublinear: a word said three times is not three times as telling.
    const weight = 1 + Math.log(count);
    add(`w:${word}`, wordWeight * weight);
    const padded = `^${word}$`;
    for (let start = 0; start + 3 <= padded.length; start += 1) {
      add(`c:${padded.slice(start, start + 3)}`, trigramWeight * weight);
    }
  }
  for (let index = 0; index + 1 < stems.length; index += 1) {
    add(`p:${stems[index]} ${stems[index + 1]}`, pairWeight);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  // Text without features (empty, only stopwords): a fixed direction, so similarity stays defined.
  if (norm === 0) {
    const empty = new Array<number>(dimensions).fill(0);
    empty[fnv1a("empty") % dimensions] = 1;
    return empty;
  }
  return Array.from(vector, (value) => value / norm);
}

/** FNV-1a, 32 bits, over the UTF-16 code units; `seed` varies the offset basis. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The local embedder as an AI SDK embedding model, so `embed` / `embedMany` work on it unchanged. */
export function createLocalEmbeddingModel(settings: { readonly dimensions: number }): EmbeddingModelV4 {
  const { dimensions } = settings;
  return {
    specificationVersion: "v4",
    provider: "mesh-six.local",
    modelId: localEmbeddingModelId,
    maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
    supportsParallelCalls: false,
    async doEmbed({ values }) {
      return {
        embeddings: values.map((value) => localEmbedding(value, dimensions)),
        usage: { tokens: 0 },
        warnings: [],
      };
    },
  };
}
