import { describe, expect, it } from "vitest";
import { isStopword, stem, wordsOf } from "./words.ts";

describe("words and stems", () => {
  it("splits text into lower-case words with accents folded", () => {
    expect(wordsOf("Café au lait, PLEASE! It's 9:30.")).toEqual([
      "cafe",
      "au",
      "lait",
      "please",
      "it",
      "s",
      "9",
      "30",
    ]);
  });

  it("brings inflected forms of a word together", () => {
    expect(["prefer", "prefers", "preferred", "preferring"].map(stem)).toEqual(Array(4).fill("prefer"));
    expect(["library", "libraries"].map(stem)).toEqual(["library", "library"]);
    expect(["run", "running", "runs"].map(stem)).toEqual(["run", "run", "run"]);
    expect(["deploy", "deployed", "deploying", "deploys"].map(stem)).toEqual(Array(4).fill("deploy"));
    expect(["install", "installed", "class", "classes", "boxes"].map(stem)).toEqual([
      "install",
      "install",
      "class",
      "class",
      "box",
    ]);
  });

  it("leaves short words, numbers and words ending in -us/-is alone", () => {
    expect(["is", "bus", "status", "analysis", "k8s", "2024"].map(stem)).toEqual([
      "is",
      "bus",
      "status",
      "analysis",
      "k8s",
      "2024",
    ]);
  });

  it("knows the common English stopwords", () => {
    expect(isStopword("the")).toBe(true);
    expect(isStopword("kubernetes")).toBe(false);
  });
});
