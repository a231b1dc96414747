/** One instruction of a Dockerfile: `RUN npm ci` is `{ keyword: "RUN", text: "npm ci" }`. */
export interface Instruction {
  readonly keyword: string;
  readonly text: string;
  /** The line it starts on, for messages. */
  readonly line: number;
}

export interface Stage {
  /** `FROM <base> AS <name>`. */
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/**
 * Splits a Dockerfile into stages and instructions: comments and blank lines dropped,
 * lines ending in `\` joined (as the default escape character does), keywords upper-cased.
 */
export function parseDockerfile(text: string): Stage[] {
  const stages: { base: string; name: string | undefined; instructions: Instruction[] }[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const start = index + 1;
    let line = lines[index]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    while (line.endsWith("\\") && index + 1 < lines.length) {
      index += 1;
      const next = lines[index]!.trim();
      if (!next.startsWith("#")) line = `${line.slice(0, -1).trimEnd()} ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!;
    if (keyword === "FROM") {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from) throw new Error(`Dockerfile line ${start}: cannot read FROM ${rest}`);
      stages.push({ base: from[1]!, name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${start}: ${keyword} before the first FROM`);
    stage.instructions.push({ keyword, text: rest, line: start });
  }
  return stages;
}

/** `CMD ["node", "/app/index.mjs"]` (exec form) as its words. */
export function execForm(instruction: Instruction): string[] {
  const words: unknown = JSON.parse(instruction.text);
  if (!Array.isArray(words) || !words.every((word) => typeof word === "string")) {
    throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} is not in exec form`);
  }
  return words;
}

/** Replaces `$NAME` and `${NAME}` with the build arguments, as Docker does in COPY, ENV, WORKDIR. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    return values[name] ?? "";
  });
}

/** `KEY=value` pairs of an ENV or ARG instruction (`ARG NAME` without a default has none); "…" may hold spaces. */
export function assignments(text: string): [string, string | undefined][] {
  return [...text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|\S*))?/g)].map((match) => {
    const value = match[2];
    return [match[1]!, value === undefined ? undefined : value.replace(/^"(.*)"$/, "$1")];
  });
}
