import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fixtureProblem, loadRecordedResponses, type RecordedResponse } from "./fixture.ts";
import { chatPath, choose, describeMatch, embeddingsPath, type RequestBody, viewOf } from "./match.ts";
import { serverSentEvents } from "./stream.ts";

/** A request the server received, for assertions. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: RequestBody;
  /** The fixture that answered it; undefined when none did (a 404 or 400). */
  readonly answeredWith: string | undefined;
}

export interface ReplayServer {
  /** The API root to use as LLM_BASE_URL (ends in /v1). */
  readonly baseURL: string;
  readonly received: ReceivedRequest[];
  /**
   * Fixtures for this test: tried before the server's own until `reset()`. Build them
   * with `reply`, `toolCalls`, `structured`, `streamed` and `failure`.
   */
  use(...fixtures: RecordedResponse[]): void;
  /**
   * The next requests whose last user message (or embeddings input) contains `match` get
   * the named fixtures in turn, whatever the endpoint (e.g. a 429, then a 200); after
   * that the usual matching applies again.
   */
  script(match: string, names: readonly string[]): void;
  /**
   * Holds the streamed answer of the fixture named `name`: the first `after` chunks are
   * sent, then nothing until `release()`; `reached` resolves once they are sent. For
   * proving that a caller passes text on while the model is still writing.
   */
  hold(name: string, after: number): { readonly reached: Promise<void>; release(): void };
  /** Forgets what `use`, `script` and `hold` added and what was received. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible server on a free local port. `POST /v1/chat/completions` gets the
 * fixture that fits the request best (the last user message's text, tools offered,
 * `response_format`, the last message's role, a tool's result; `stream: true` gets a
 * streamed fixture as server-sent events), `POST /v1/embeddings` the one marked with that
 * path whose text is in the input; each is sent as written (status, headers, body).
 * Anything else gets an error in OpenAI's shape naming what the server has.
 */
export async function startReplayServer(
  responses: readonly RecordedResponse[] = loadRecordedResponses(),
): Promise<ReplayServer> {
  const received: ReceivedRequest[] = [];
  const added: RecordedResponse[] = [];
  const scripts: { match: string; queue: RecordedResponse[] }[] = [];
  const holds = new Map<string, { after: number; reached: () => void; released: Promise<void> }>();
  const byName = (name: string) => {
    const found = [...added, ...responses].find((candidate) => candidate.name === name);
    if (!found) {
      throw new Error(
        `the replay server has no fixture named ${name}; it has: ${[...added, ...responses].map((candidate) => candidate.name).join(", ")}`,
      );
    }
    return found;
  };

  const answer = (request: IncomingMessage, response: ServerResponse, text: string) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const record = (body: RequestBody, answeredWith?: string) =>
      received.push({
        method: request.method ?? "",
        path,
        authorization: request.headers.authorization,
        body,
        answeredWith,
      });
    if (request.method !== "POST" || (path !== chatPath && path !== embeddingsPath)) {
      record({});
      return sendJson(
        response,
        404,
        openAiError(
          `Invalid URL (${request.method} ${path}): this replay server serves POST ${chatPath} and POST ${embeddingsPath} only.`,
        ),
      );
    }
    const body = parseBody(text);
    if (!body) {
      record({});
      return sendJson(
        response,
        400,
        openAiError(
          "We could not parse the JSON body of your request: send a JSON object with Content-Type application/json.",
        ),
      );
    }
    const view = viewOf(path, body);
    const scripted = scripts.find((script) => script.queue.length > 0 && view.text.includes(script.match));
    const fixture = scripted?.queue.shift() ?? choose(added, view) ?? choose(responses, view);
    record(body, fixture?.name);
    if (!fixture) {
      const candidates = [...added, ...responses].filter(
        (candidate) => (candidate.path ?? chatPath) === path,
      );
      return sendJson(
        response,
        404,
        openAiError(
          `the replay server has no fixture for ${JSON.stringify(view.text)} at ${path}` +
            ` (tools: ${view.tools}, response_format: ${view.responseFormat ?? "none"}, last role: ${view.lastRole ?? "none"}, stream: ${view.stream});` +
            ` add one with server.use(...); it has: ${candidates.map(describeMatch).join(", ")}`,
        ),
      );
    }
    response.writeHead(fixture.status, fixture.headers);
    const events = fixture.chunks
      ? serverSentEvents(fixture.chunks, body.stream_options?.include_usage === true)
      : undefined;
    const held = events === undefined ? undefined : holds.get(fixture.name);
    if (events === undefined || !held) return response.end(events ?? JSON.stringify(fixture.body));
    holds.delete(fixture.name);
    const parts = events.split(/(?<=\n\n)/);
    response.write(parts.slice(0, held.after).join(""));
    held.reached();
    void held.released.then(() => response.end(parts.slice(held.after).join("")));
  };

  const server = createServer(async (request, response) =>
    answer(request, response, await readBody(request)),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received,
    use(...fixtures) {
      for (const fixture of fixtures) {
        const problem = fixtureProblem(fixture);
        if (problem) throw new Error(`fixture ${fixture.name} ${problem}`);
      }
      added.unshift(...fixtures);
    },
    script(match, names) {
      scripts.push({ match, queue: names.map(byName) });
    },
    hold(name, after) {
      let reached = () => {};
      let release = () => {};
      const reachedPromise = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.set(name, { after, reached, released });
      return { reached: reachedPromise, release };
    },
    reset() {
      added.length = 0;
      scripts.length = 0;
      holds.clear();
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function parseBody(text: string): RequestBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text || "{}");
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as RequestBody)
      : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, payload: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(payload));
}

/** An error body in OpenAI's documented shape, for the replay server's own answers. */
function openAiError(message: string) {
  return { error: { message, type: "invalid_request_error", param: null, code: null } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
