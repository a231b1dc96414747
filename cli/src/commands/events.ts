import { catalog } from "@mesh-six/events";
import { scanJson } from "@mesh-six/shared/validate/json-scan";
import { z } from "zod";
import {
  booleanOption,
  type Command,
  type CommandInput,
  countOption,
  type Io,
  RemoteError,
  stringOption,
  UsageError,
} from "../command.ts";
import { endpoint, send, sendForJsonText } from "../http.ts";
import { knDefaultType } from "../kn/event.ts";
import { readSse } from "../sse.ts";

const row = z.looseObject({
  id: z.number(),
  at: z.string(),
  kind: z.string(),
  traceId: z.string().optional(),
  eventType: z.string().optional(),
  eventId: z.string().optional(),
});
type Row = z.output<typeof row>;
const page = z.object({ events: z.array(row), lastId: z.number() });

/** Pause before reopening a stream the mesh closed (Knative ends requests after its timeout). */
export const reconnectDelayMs = 1000;

/** The kinds of entry the mesh writes to its event log (event-log.ts, the function runtime, the LLM port). */
const knownKinds = ["event.accepted", "handler.succeeded", "handler.failed", "handler.duplicate", "llm.call"];
const kindWidth = Math.max(...knownKinds.map((kind) => kind.length));
/** Wide enough for every catalog type and kn's default type, which `mesh send` uses too. */
const typeWidth = Math.max(knDefaultType.length, ...catalog.map((entry) => entry.type.length));

/**
 * One compact line: time, kind, type, event id (wide enough for a UUID), the trace id's first
 * 8 digits (which `--trace` takes); columns padded to the longest kind and event type the mesh writes.
 */
export function formatRow(entry: Row): string {
  return [
    entry.at,
    entry.kind.padEnd(kindWidth),
    (entry.eventType ?? "-").padEnd(typeWidth),
    (entry.eventId ?? "-").padEnd(36),
    entry.traceId?.slice(0, 8) ?? "-",
  ].join("  ");
}

const tailCommand: Command = {
  name: "events tail",
  summary: "Show the newest entries of the event log; --follow keeps showing new ones",
  description: [
    "One line per entry of the mesh's event log (accepted events, LLM calls, state transitions):",
    "time, kind, event type, event id, and the first 8 digits of the trace id (--trace takes them).",
    "With --follow it streams new entries until Ctrl-C. With --json each entry is printed exactly",
    "as the mesh sent it: an accepted event with every attribute and its data as accepted.",
  ].join("\n"),
  options: {
    follow: { type: "boolean", short: "f", description: "keep streaming new entries until Ctrl-C" },
    lines: {
      type: "string",
      short: "n",
      placeholder: "count",
      description: "how many of the newest to show first (default 20)",
    },
    type: { type: "string", short: "t", placeholder: "type", description: "only events of this type" },
    trace: {
      type: "string",
      placeholder: "trace-id",
      description: "only this trace: its 32-digit id, or its first 8 or more digits as printed",
    },
    kind: { type: "string", placeholder: "kind", description: "only entries of this kind, e.g. llm.call" },
    json: {
      type: "boolean",
      description: "print each entry as one JSON line (all fields, event data byte for byte)",
    },
  },
  examples: [
    "mesh events tail -n 50",
    "mesh events tail --follow --type dev.meshsix.task.completed",
    "mesh events tail --trace 0af76519",
  ],
  async run(input, io) {
    const filters = readFilters(input);
    const lines = countOption(input, "lines", 20);
    // the entry as the mesh wrote it, so event data is printed byte for byte
    const print = (entry: Row, raw: string) =>
      io.stdout(`${booleanOption(input, "json") ? raw : formatRow(entry)}\n`);
    if (!booleanOption(input, "follow")) {
      const { data, text } = await sendForJsonText(
        io,
        endpoint(input.url, "/events", { ...filters, last: lines }),
        page,
      );
      const raws = rawElements(text, "events");
      for (const [index, entry] of data.events.entries()) print(entry, raws[index] ?? JSON.stringify(entry));
      return;
    }
    await follow(input.url, { ...filters, last: lines }, print, io);
  },
};

function readFilters(input: CommandInput) {
  const trace = stringOption(input, "trace");
  if (trace !== undefined && !/^[0-9a-f]{8,32}$/.test(trace)) {
    throw new UsageError(
      `--trace takes a W3C trace id, 32 lowercase hex digits, or its first 8 or more as printed (got '${trace}')`,
    );
  }
  for (const name of ["type", "kind"]) {
    if (stringOption(input, name) === "")
      throw new UsageError(`--${name} must not be empty; leave it out to see all`);
  }
  return { type: stringOption(input, "type"), trace, kind: stringOption(input, "kind") };
}

/**
 * Streams `/events/stream` until Ctrl-C. When the mesh closes the stream it reopens it after the
 * last entry seen (Last-Event-ID), so nothing is skipped or shown twice.
 */
async function follow(
  meshUrl: URL,
  query: Record<string, string | number | undefined>,
  print: (entry: Row, raw: string) => void,
  io: Io,
): Promise<void> {
  let lastId: string | undefined;
  const stopped = () => io.signal.aborted;
  while (!stopped()) {
    const url = endpoint(
      meshUrl,
      "/events/stream",
      lastId === undefined ? query : { ...query, last: undefined },
    );
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastId !== undefined) headers["last-event-id"] = lastId;
    let response: Response;
    try {
      response = await send(io, url, { headers });
    } catch (error) {
      if (stopped()) return;
      throw error;
    }
    try {
      for await (const message of readSse(response.body!)) {
        const parsed = row.safeParse(safeJson(message.data));
        if (!parsed.success)
          throw new RemoteError(`the event stream sent an entry this CLI cannot read: ${message.data}`);
        print(parsed.data, message.data);
        lastId = message.id ?? lastId;
      }
    } catch (error) {
      if (stopped()) return;
      if (error instanceof RemoteError) throw error;
      // the connection broke: reopen it below, after the last entry shown
    }
    await io.clock.sleep(reconnectDelayMs, io.signal).catch(() => undefined);
  }
}

/** The texts of the elements of the array `name` in a JSON object, exactly as written. */
function rawElements(text: string, name: string): string[] {
  const page = scanJson(text, { maxDepth: Number.POSITIVE_INFINITY });
  const member = page.ok ? page.members.find((candidate) => candidate.name === name) : undefined;
  if (!member) return [];
  const array = text.slice(member.start, member.end);
  const elements = scanJson(array, { maxDepth: Number.POSITIVE_INFINITY });
  return elements.ok ? elements.members.map((element) => array.slice(element.start, element.end)) : [];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const eventCommands: readonly Command[] = [tailCommand];
