import { maxPathSegmentLength, maxQueryValueLength } from "../validate/limits.ts";
import { textProblem } from "../validate/text.ts";

/** Why a request's path or query cannot be taken: the reason, and the query parameter at fault. */
export interface RequestTextProblem {
  readonly error: string;
  readonly parameter?: string;
}

/**
 * Checks every path segment and query name and value of `url` after percent-decoding:
 * valid percent-encoding of UTF-8, text Postgres can store (no NUL, no lone surrogate),
 * and no longer than the limits. Undefined when all is well.
 */
export function requestTextProblem(url: URL): RequestTextProblem | undefined {
  const segments = url.pathname.split("/").slice(1);
  for (const [index, raw] of segments.entries()) {
    const what = `path segment ${index + 1} (${JSON.stringify(raw.slice(0, 40))})`;
    const problem = componentProblem(raw, maxPathSegmentLength);
    if (problem) return { error: `${what} ${problem}` };
  }
  const query = url.search.startsWith("?") ? url.search.slice(1) : url.search;
  for (const pair of query === "" ? [] : query.split("&")) {
    const split = pair.indexOf("=");
    const rawName = split < 0 ? pair : pair.slice(0, split);
    const rawValue = split < 0 ? "" : pair.slice(split + 1);
    const nameProblem = componentProblem(rawName, maxPathSegmentLength);
    const name = nameProblem ? rawName.slice(0, 40) : decode(rawName)!;
    if (nameProblem)
      return { error: `query parameter name ${JSON.stringify(name)} ${nameProblem}`, parameter: name };
    const valueProblem = componentProblem(rawValue, maxQueryValueLength);
    if (valueProblem) return { error: `query parameter '${name}' ${valueProblem}`, parameter: name };
  }
  return undefined;
}

function componentProblem(raw: string, limit: number): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) {
    return "has a % that is not followed by two hex digits; write a literal % as %25";
  }
  const decoded = decode(raw);
  if (decoded === undefined)
    return "is not UTF-8 after percent-decoding; percent-encode the UTF-8 bytes of the text";
  const problem = textProblem(decoded);
  if (problem) return problem;
  if (decoded.length > limit) return `is ${decoded.length} characters long, over the limit of ${limit}`;
  return undefined;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}
