import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assignments, execForm, parseDockerfile, substitute } from "./dockerfile.ts";

describe("reading a Dockerfile", () => {
  it("splits stages and joins continued lines, dropping comments", () => {
    const stages = parseDockerfile(
      [
        "# syntax=docker/dockerfile:1",
        "FROM node:24 AS build",
        "RUN npm ci \\",
        "  --no-audit",
        "FROM alpine",
        'CMD ["node", "x"]',
      ].join("\n"),
    );
    expect(stages).toEqual([
      {
        base: "node:24",
        name: "build",
        instructions: [{ keyword: "RUN", text: "npm ci --no-audit", line: 3 }],
      },
      { base: "alpine", name: undefined, instructions: [{ keyword: "CMD", text: '["node", "x"]', line: 6 }] },
    ]);
    expect(execForm(stages[1]!.instructions[0]!)).toEqual(["node", "x"]);
  });

  it("substitutes build arguments and reads ENV assignments", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Docker's substitution syntax
    const text = "/src/knative/dist/${FUNCTION}/index.mjs $FUNCTION";
    expect(substitute(text, { FUNCTION: "gateway" })).toBe("/src/knative/dist/gateway/index.mjs gateway");
    expect(assignments('NODE_ENV=production A="b c"')).toEqual([
      ["NODE_ENV", "production"],
      ["A", "b c"],
    ]);
    expect(assignments("FUNCTION")).toEqual([["FUNCTION", undefined]]);
  });

  it("reads the repository's Dockerfile: a build stage running npm ci and the bundler, an image holding one file", () => {
    const [build, image] = parseDockerfile(
      readFileSync(new URL("../../../Dockerfile", import.meta.url), "utf8"),
    );
    const runs = build!.instructions.filter((each) => each.keyword === "RUN").map((each) => each.text);
    expect(runs[0]).toBe("npm ci --no-audit --no-fund");
    expect(runs.at(-1)).toBe('node knative/src/build.ts "$FUNCTION"');
    expect(image!.instructions.filter((each) => each.keyword === "COPY").map((each) => each.text)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own text
      "--from=build /src/knative/dist/${FUNCTION}/index.mjs ./index.mjs",
    ]);
  });
});
