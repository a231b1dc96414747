interface Rule {
  readonly exception: boolean;
  readonly pattern: RegExp;
}

/** Decides, as `docker build` does, whether a path of the build context is left out. */
export interface DockerIgnore {
  /** `path` is relative to the context, with `/` separators. */
  excludes(path: string): boolean;
  /** Whether any `!` rule could bring back something inside an excluded folder. */
  readonly hasExceptions: boolean;
}

/**
 * Reads a `.dockerignore` the way Docker's pattern matcher does: one pattern per line,
 * `#` comments, a leading `/` ignored, Go's `filepath.Match` syntax (`*`, `?`, `[…]`)
 * plus `**` for any number of folders, `!` for an exception; the last rule that matches a
 * path or one of its parent folders decides.
 */
export function parseDockerIgnore(text: string): DockerIgnore {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const exception = line.startsWith("!");
    const cleaned = clean(exception ? line.slice(1).trim() : line);
    if (cleaned === "") continue;
    rules.push({ exception, pattern: toRegExp(cleaned) });
  }
  return {
    hasExceptions: rules.some((rule) => rule.exception),
    excludes(path) {
      const parents = path.split("/").map((_, index, parts) => parts.slice(0, index + 1).join("/"));
      let excluded = false;
      for (const rule of rules) {
        if (parents.some((parent) => rule.pattern.test(parent))) excluded = !rule.exception;
      }
      return excluded;
    },
  };
}

/** Like Go's filepath.Clean on a context-relative pattern: no leading `/` or `./`, no `//`. */
function clean(pattern: string): string {
  const parts = pattern.split("/").filter((part) => part !== "" && part !== ".");
  return parts.join("/");
}

function toRegExp(pattern: string): RegExp {
  let source = "";
  for (let at = 0; at < pattern.length; at += 1) {
    const character = pattern[at]!;
    if (character === "*" && pattern[at + 1] === "*") {
      const slashAfter = pattern[at + 2] === "/";
      source += slashAfter ? "(?:.*/)?" : ".*";
      at += slashAfter ? 2 : 1;
    } else if (character === "*") source += "[^/]*";
    else if (character === "?") source += "[^/]";
    else if (character === "[") {
      const end = pattern.indexOf("]", at + 1);
      if (end < 0) throw new Error(`.dockerignore: unterminated [ in ${pattern}`);
      const inside = pattern.slice(at + 1, end);
      source += `[${inside.startsWith("^") ? `^${inside.slice(1)}` : inside}]`;
      at = end;
    } else if (character === "\\" && at + 1 < pattern.length) {
      at += 1;
      source += literal(pattern[at]!);
    } else source += literal(character);
  }
  return new RegExp(`^${source}$`);
}

function literal(character: string): string {
  return character.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
