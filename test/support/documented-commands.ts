import { readFileSync } from "node:fs";

const repositoryRoot = new URL("../../", import.meta.url);

/** One shell command written in the documentation, split into words as a POSIX shell would. */
export interface DocumentedCommand {
  /** Where it is written, for failure messages. */
  readonly where: string;
  readonly text: string;
  readonly words: readonly string[];
}

/**
 * Splits a command line into words: whitespace separates, '…' keeps everything, "…" keeps
 * everything but `\"` and `\\`, a backslash outside quotes escapes the next character and a
 * backslash before a newline joins the lines. Enough for the commands in our docs; refuses
 * what it does not know rather than guessing ($, backticks, unterminated quotes).
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let at = 0; at < line.length; at += 1) {
    const character = line[at]!;
    if (character === "\\") {
      const next = line[at + 1];
      at += 1;
      if (next === "\n" || next === undefined) continue;
      word = (word ?? "") + next;
    } else if (character === "'" || character === '"') {
      const end = line.indexOf(character, at + 1);
      if (end < 0) throw new Error(`unterminated ${character} in: ${line}`);
      let quoted = line.slice(at + 1, end);
      if (character === '"') quoted = quoted.replace(/\\(["\\])/g, "$1");
      word = (word ?? "") + quoted;
      at = end;
    } else if (/\s/.test(character)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (character === "$" || character === "`") {
      throw new Error(`shell expansion (${character}) is not supported in: ${line}`);
    } else {
      word = (word ?? "") + character;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Every command in the `sh` code blocks of a markdown file that starts with `prefix`
 * (e.g. `kn event send`), continuation lines joined, comments after `#` dropped.
 */
export function documentedCommands(file: URL, prefix: string): DocumentedCommand[] {
  const markdown = readFileSync(file, "utf8");
  const name = file.href.slice(repositoryRoot.href.length);
  const commands: DocumentedCommand[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!.split("\n");
    for (let index = 0; index < lines.length; index += 1) {
      if (!lines[index]!.startsWith(prefix)) continue;
      let text = lines[index]!;
      while (text.endsWith("\\") && index + 1 < lines.length) {
        index += 1;
        text = `${text}\n${lines[index]!}`;
      }
      const withoutComment = text.replace(/\s+#[^'"\n]*$/, "");
      commands.push({ where: name, text: withoutComment, words: shellWords(withoutComment) });
    }
  }
  return commands;
}

/** The value of `--flag value` or `--flag=value` in `words`, if given. */
export function flagValue(words: readonly string[], flag: string): string | undefined {
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    if (word === flag) return words[index + 1];
    if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
  }
  return undefined;
}
