import { readdirSync, readFileSync } from "node:fs";

/**
 * What a request must look like for a fixture to answer it. Every criterion given must
 * hold; among the fixtures that fit, the one with the most criteria answers.
 */
export interface RequestMatch {
  /** Text the last user message contains (for embeddings: the input). */
  readonly text?: string;
  /** Whether the request offers tools (a non-empty `tools`). */
  readonly tools?: boolean;
  /** The request's `response_format.type`: `json_schema`, `json_object` or `text`. */
  readonly responseFormat?: string;
  /** The role of the request's last message: `user` on a first turn, `tool` after tool results. */
  readonly lastRole?: string;
  /** Text the last `tool` message contains: what the tool returned. */
  readonly toolResult?: string;
}

/**
 * One canned answer in OpenAI's documented shape. A 2xx fixture with `body` answers
 * requests without `stream`; one with `chunks` answers `stream: true` requests as
 * server-sent events; an error (4xx, 5xx) answers both, as OpenAI does.
 */
export interface RecordedResponse {
  readonly name: string;
  readonly description: string;
  /** Where the response comes from: hand-written from the docs, or recorded (and when). */
  readonly provenance: string;
  /** The endpoint it answers: `/v1/chat/completions` (the default) or `/v1/embeddings`. */
  readonly path?: string;
  /** A text the last user message contains, or several criteria. */
  readonly match: string | RequestMatch;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The JSON body, for a plain answer or an error. */
  readonly body?: unknown;
  /** The `chat.completion.chunk` objects of a streamed answer, each sent as one `data:` line. */
  readonly chunks?: readonly unknown[];
}

const matchKeys: readonly (keyof RequestMatch)[] = [
  "text",
  "tools",
  "responseFormat",
  "lastRole",
  "toolResult",
];

/** The criteria of a fixture's `match`, a plain text being `{ text }`. */
export function criteriaOf(fixture: Pick<RecordedResponse, "match">): RequestMatch {
  return typeof fixture.match === "string" ? { text: fixture.match } : fixture.match;
}

/** What is wrong with a fixture, so the file (or the test) can be fixed; undefined when nothing is. */
export function fixtureProblem(fixture: Partial<RecordedResponse>): string | undefined {
  if (!fixture.provenance) {
    return 'has no "provenance": say whether it was written from the provider\'s documentation or recorded from a real call (and when)';
  }
  if (typeof fixture.status !== "number") return 'has no "status": give the HTTP status it answers with';
  if ((fixture.body === undefined) === (fixture.chunks === undefined)) {
    return 'needs exactly one of "body" (a JSON answer) and "chunks" (a streamed answer)';
  }
  if (fixture.chunks && fixture.status >= 400)
    return 'streams "chunks" with an error status: errors are a JSON "body"';
  if (fixture.match === undefined) return 'has no "match": give the text the last user message contains';
  if (typeof fixture.match === "object") {
    const unknown = Object.keys(fixture.match).filter(
      (key) => !matchKeys.includes(key as keyof RequestMatch),
    );
    if (unknown.length > 0)
      return `matches on unknown criteria ${unknown.join(", ")}; known: ${matchKeys.join(", ")}`;
  }
  return undefined;
}

const directory = new URL("../fixtures/", import.meta.url);

/** The fixtures this package ships (`fixtures/*.json`); each says in `provenance` where it comes from. */
export function loadRecordedResponses(): RecordedResponse[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => loadRecordedResponse(new URL(file, directory)));
}

/**
 * One fixture file kept elsewhere (e.g. a package's `__fixtures__`), named after the
 * file; like the shipped ones, it must say in `provenance` where it comes from.
 */
export function loadRecordedResponse(file: URL): RecordedResponse {
  const fileName = file.pathname.split("/").pop() ?? "";
  const fixture = {
    name: fileName.replace(/\.json$/, ""),
    ...(JSON.parse(readFileSync(file, "utf8")) as Omit<RecordedResponse, "name">),
  };
  const problem = fixtureProblem(fixture);
  if (problem) throw new Error(`${fileName} ${problem}`);
  return fixture;
}
