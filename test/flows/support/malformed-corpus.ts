/**
 * Malformed requests for every door of the embedded host: the broker ingress and every
 * gateway route. Each names a part of the reason its 4xx must give. Built from classes
 * (text Postgres cannot store, broken percent-encoding, numbers past bigint, dates that do
 * not exist, JSON nested too deep, lone surrogates, bodies over the limit, CloudEvents
 * attributes past their limits), crossed with every path and query parameter.
 */
export interface Malformed {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  /** A part of the `error` the answer must carry. */
  readonly reason: string;
}

const ingress = "/mesh-six/default";
const mib = 1024 * 1024;
const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

/** Path segments no route can take, with the reason the guard gives. */
const badSegments: [string, string][] = [
  ["%00", "U+0000"],
  ["a%00b", "U+0000"],
  ["%ED%A0%80", "not UTF-8"],
  ["%FF", "not UTF-8"],
  ["%C0%80", "not UTF-8"],
  ["%E2%82", "not UTF-8"],
  ["%zz", "not followed by two hex digits"],
  ["100%", "not followed by two hex digits"],
  ["a".repeat(1500), "over the limit of 1024"],
];

/** Query values no parameter can take. */
const badValues: [string, string][] = [
  ["%00", "U+0000"],
  ["x%00", "U+0000"],
  ["%ED%B0%80", "not UTF-8"],
  ["%F0%9F%98", "not UTF-8"],
  ["%g0", "not followed by two hex digits"],
  ["a".repeat(5000), "over the limit of 4096"],
];

const pathRoutes: { method: string; path: (segment: string) => string }[] = [
  { method: "GET", path: (segment) => `/tasks/${segment}` },
  { method: "GET", path: (segment) => `/dead-letters/${segment}` },
  { method: "POST", path: (segment) => `/dead-letters/${segment}/replay` },
  { method: "DELETE", path: (segment) => `/memories/${segment}` },
  { method: "GET", path: (segment) => `/agents/score/${segment}` },
  { method: "POST", path: (segment) => `/mesh-six/${segment}` },
  { method: "GET", path: (segment) => `/${segment}` },
];

const queryRoutes: { method: string; path: string; parameters: string[] }[] = [
  { method: "GET", path: "/tasks", parameters: ["limit"] },
  { method: "GET", path: "/tasks/some-task", parameters: ["wait"] },
  { method: "GET", path: "/events", parameters: ["after", "last", "limit", "kind", "type", "trace"] },
  { method: "GET", path: "/events/stream", parameters: ["after", "kind", "trace"] },
  { method: "GET", path: "/dead-letters", parameters: ["limit", "includeReplayed"] },
  { method: "GET", path: "/memories", parameters: ["q", "agent", "user", "since", "limit", "minScore"] },
  { method: "DELETE", path: "/memories", parameters: ["user", "agent"] },
  { method: "GET", path: "/agents", parameters: ["x"] },
];

/** Values of the right text but the wrong meaning, per parameter. */
const wrongMeaning: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  reason: string;
}[] = [
  { path: "/events/stream", headers: { "last-event-id": "99999999999999999999" }, reason: "Last-Event-ID" },
  { path: "/events/stream", headers: { "last-event-id": "-1" }, reason: "Last-Event-ID" },
  { path: "/dead-letters/99999999999999999999", reason: "beyond the largest id" },
  { path: "/dead-letters/9223372036854775808", reason: "beyond the largest id" },
  { path: "/dead-letters/0", reason: "must be a dead-letter id" },
  { path: "/dead-letters/-1", reason: "must be a dead-letter id" },
  { path: "/dead-letters/1e3", reason: "must be a dead-letter id" },
  { method: "POST", path: "/dead-letters/99999999999999999999/replay", reason: "beyond the largest id" },
  { method: "DELETE", path: "/memories/not-a-uuid", reason: "must be a memory id" },
  { path: "/memories?since=0000-01-01T00:00:00Z", reason: "year 0000 does not exist" },
  { path: "/memories?since=2026-02-30T00:00:00Z", reason: "since" },
  { path: "/memories?since=2024-02-29T00:00:00Z&since=x", reason: "'since' is given 2 times" },
  { path: "/events?last=1&last=2", reason: "'last' is given 2 times" },
  { path: "/memories?since=2026-13-01T00:00:00Z", reason: "since" },
  { path: "/memories?since=2026-01-01T25:00:00Z", reason: "since" },
  { path: "/memories?limit=99999999999999999999", reason: "limit" },
  { path: "/memories?minScore=1e400", reason: "minScore" },
  { path: "/memories?minScore=2", reason: "minScore" },
  { path: "/events?after=99999999999999999999", reason: "after" },
  { path: "/events?after=-1", reason: "after" },
  { path: "/events?limit=0", reason: "limit" },
  { path: "/events?after=1&last=1", reason: "not both" },
  { path: "/events?trace=0af7651", reason: "trace" },
  { path: "/events?trace=XYZ", reason: "trace" },
  { path: "/events?unknown=1", reason: "unknown query parameter" },
  { path: "/tasks?limit=1e3", reason: "limit" },
  { path: "/tasks/x?wait=61", reason: "wait" },
  { path: "/tasks/x?wait=99999999999999999999", reason: "wait" },
  { path: "/dead-letters?includeReplayed=yes", reason: "includeReplayed" },
  { method: "DELETE", path: "/memories", reason: "user" },
  { path: "/agents/score/", reason: "give a capability" },
  { path: "/agents/score/no-such-capability", reason: "no agent offers" },
  { method: "PUT", path: "/tasks", reason: "does not take PUT" },
  { method: "GET", path: ingress, reason: "not allowed" },
  { method: "POST", path: "/mesh-six/nowhere", reason: "no broker nowhere" },
  { method: "POST", path: "/mesh-six/default/extra", reason: "nothing at" },
];

const task = (value: unknown) => JSON.stringify({ capability: "general-query", payload: value });
/** A task whose payload.query is the JSON string text `raw`, escapes and all. */
const query = (raw: string) => task({ query: "Q" }).replace('"Q"', `"${raw}"`);

/** POST /tasks bodies. */
const taskBodies: {
  name: string;
  body: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  reason: string;
}[] = [
  { name: "empty", body: "", reason: "must be JSON" },
  { name: "not JSON", body: "capability=general-query", reason: "must be JSON" },
  { name: "cut short", body: '{"capability":"general-query"', reason: "must be JSON" },
  { name: "trailing comma", body: '{"capability":"general-query",}', reason: "must be JSON" },
  { name: "not UTF-8", body: Uint8Array.of(0x7b, 0xff, 0x7d), reason: "not UTF-8" },
  {
    name: "UTF-16",
    body: new Uint8Array(Buffer.from('{"capability":"x"}', "utf16le")),
    reason: "must be JSON",
  },
  { name: "a lone high surrogate", body: query("\\ud800"), reason: "lone UTF-16 surrogate" },
  { name: "a lone low surrogate", body: query("a\\udfffb"), reason: "lone UTF-16 surrogate" },
  { name: "a reversed pair", body: query("\\ude00\\ud83d"), reason: "lone UTF-16 surrogate" },
  { name: "NUL", body: query("a\\u0000b"), reason: "\\u0000 (NUL)" },
  { name: "NUL in a key", body: '{"capability":"x","payload":{"a\\u0000":1}}', reason: "\\u0000 (NUL)" },
  { name: "a raw control character", body: `{"capability":"x\u0001"}`, reason: "control character" },
  {
    name: "nested 5000 deep",
    body: task({ a: JSON.parse(deep(200)) }).replace(deep(200), deep(5000)),
    reason: "deeper than 64 levels",
  },
  {
    name: "nested 100 deep",
    body: task(JSON.parse(`${'{"a":'.repeat(100)}1${"}".repeat(100)}`)),
    reason: "deeper than 64 levels",
  },
  {
    name: "a number past doubles",
    body: '{"capability":"x","priority":1e400}',
    reason: "beyond what a JSON number can hold",
  },
  {
    name: "a number past bigint",
    body: '{"capability":"x","priority":99999999999999999999}',
    reason: "priority",
  },
  { name: "a fraction", body: '{"capability":"x","priority":1.5}', reason: "priority" },
  { name: "a repeated field", body: '{"capability":"x","capability":"y"}', reason: "appears twice" },
  { name: "an unknown field", body: '{"capability":"x","colour":"red"}', reason: "unknown field 'colour'" },
  { name: "an array", body: "[]", reason: "body" },
  { name: "a string", body: '"general-query"', reason: "body" },
  { name: "null", body: "null", reason: "body" },
  { name: "no capability", body: '{"payload":{}}', reason: "capability" },
  { name: "an empty capability", body: '{"capability":""}', reason: "capability" },
  { name: "a huge capability", body: JSON.stringify({ capability: "c".repeat(5000) }), reason: "capability" },
  { name: "a payload that is a list", body: '{"capability":"x","payload":[1]}', reason: "payload" },
  { name: "timeout 0", body: '{"capability":"x","timeout":0}', reason: "timeout" },
  { name: "timeout past a day", body: '{"capability":"x","timeout":86401}', reason: "timeout" },
  {
    name: "requestedBy too long",
    body: JSON.stringify({ capability: "x", requestedBy: "u".repeat(300) }),
    reason: "requestedBy",
  },
  {
    name: "2 MiB",
    body: JSON.stringify({ capability: "x", payload: { text: "a".repeat(2 * mib) } }),
    reason: "over the 1048576-byte limit",
  },
  { name: "2 MiB without a length", body: () => chunks(2 * mib), reason: "over the 1048576-byte limit" },
];

const binary = { "ce-specversion": "1.0", "ce-id": "bad-1", "ce-source": "/corpus", "ce-type": "t" };
const structured = { "content-type": "application/cloudevents+json" };
const envelope = (extra: Record<string, unknown>) =>
  JSON.stringify({ specversion: "1.0", id: "bad-2", source: "/corpus", type: "t", ...extra });

/** Events the ingress must refuse. */
const events: {
  name: string;
  headers: Record<string, string>;
  body?: string | (() => ReadableStream<Uint8Array>);
  reason: string;
}[] = [
  {
    name: "February 30",
    headers: { ...binary, "ce-time": "2026-02-30T12:00:00Z" },
    reason: "February 2026 has 28 days",
  },
  {
    name: "February 29 of a common year",
    headers: { ...binary, "ce-time": "2025-02-29T12:00:00Z" },
    reason: "February 2025 has 28 days",
  },
  {
    name: "year 0",
    headers: { ...binary, "ce-time": "0000-06-01T00:00:00Z" },
    reason: "year 0000 does not exist",
  },
  { name: "hour 25", headers: { ...binary, "ce-time": "2026-01-01T25:00:00Z" }, reason: "hour 25" },
  { name: "month 13", headers: { ...binary, "ce-time": "2026-13-01T00:00:00Z" }, reason: "month 13" },
  {
    name: "an offset of 24 hours",
    headers: { ...binary, "ce-time": "2026-01-01T00:00:00+24:00" },
    reason: "offset",
  },
  { name: "a date only", headers: { ...binary, "ce-time": "2026-01-01" }, reason: "RFC 3339" },
  {
    name: "an id of 3000 characters",
    headers: { ...binary, "ce-id": "i".repeat(3000) },
    reason: "id is 3000 bytes long, over the limit of 256",
  },
  {
    name: "an id of 300 multibyte characters",
    headers: { ...binary, "ce-id": "%C3%A9".repeat(150) },
    reason: "over the limit of 256",
  },
  {
    name: "a source of 5000 characters",
    headers: { ...binary, "ce-source": `/${"s".repeat(5000)}` },
    reason: "source is 5001 bytes long, over the limit of 1024",
  },
  {
    name: "a type of 300 characters",
    headers: { ...binary, "ce-type": "t".repeat(300) },
    reason: "over the limit of 256",
  },
  {
    name: "a subject of 2000 characters",
    headers: { ...binary, "ce-subject": "s".repeat(2000) },
    reason: "over the limit of 1024",
  },
  {
    name: "an extension of 3000 characters",
    headers: { ...binary, "ce-meshagent": "a".repeat(3000) },
    reason: "meshagent is 3000 bytes long, over the limit of 2048",
  },
  {
    name: "an extension name of 70 characters",
    headers: { ...binary, [`ce-${"x".repeat(70)}`]: "1" },
    reason: "over the limit of 64",
  },
  {
    name: "70 extensions",
    headers: {
      ...binary,
      ...Object.fromEntries(Array.from({ length: 70 }, (_, index) => [`ce-ext${index}`, "v"])),
    },
    reason: "70 extension attributes, over the limit of 64",
  },
  { name: "NUL in the subject", headers: { ...binary, "ce-subject": "a%00b" }, reason: "U+0000" },
  { name: "NUL in the id", headers: { ...binary, "ce-id": "%00" }, reason: "U+0000" },
  { name: "a surrogate encoded in UTF-8", headers: { ...binary, "ce-id": "%ED%A0%80" }, reason: "not UTF-8" },
  { name: "invalid UTF-8 in a header", headers: { ...binary, "ce-source": "/%FF" }, reason: "not UTF-8" },
  { name: "no id", headers: { ...binary, "ce-id": "" }, reason: "id is missing" },
  {
    name: "no specversion",
    headers: { "ce-id": "1", "ce-source": "/s", "ce-type": "t" },
    reason: "ce-specversion",
  },
  { name: "specversion 0.3", headers: { ...binary, "ce-specversion": "0.3" }, reason: '"0.3"' },
  {
    name: "a relative dataschema",
    headers: { ...binary, "ce-dataschema": "schema.json" },
    reason: "not an absolute URI",
  },
  {
    name: "ce-datacontenttype",
    headers: { ...binary, "ce-datacontenttype": "text/plain" },
    reason: "Content-Type header",
  },
  { name: "a bad attribute name", headers: { ...binary, "ce-my_ext": "1" }, reason: "my_ext" },
  {
    name: "not a CloudEvent",
    headers: { "content-type": "application/json" },
    body: "{}",
    reason: "not a CloudEvent",
  },
  {
    name: "invalid JSON data",
    headers: { ...binary, "content-type": "application/json" },
    body: "{",
    reason: "not valid JSON",
  },
  {
    name: "JSON data 5000 deep",
    headers: { ...binary, "content-type": "application/json" },
    body: deep(5000),
    reason: "deeper than 64 levels",
  },
  {
    name: "JSON data with NUL",
    headers: { ...binary, "content-type": "application/json" },
    body: '{"a":"\\u0000"}',
    reason: "\\u0000 (NUL)",
  },
  {
    name: "JSON data with a lone surrogate",
    headers: { ...binary, "content-type": "application/json" },
    body: '["\\udc00"]',
    reason: "lone UTF-16 surrogate",
  },
  {
    name: "JSON data not UTF-8",
    headers: { ...binary, "content-type": "application/json" },
    body: "\u00ff",
    reason: "JSON",
  },
  {
    name: "2 MiB",
    headers: { ...binary, "content-type": "text/plain" },
    body: "a".repeat(2 * mib),
    reason: "over the 1048576-byte limit",
  },
  {
    name: "2 MiB without a length",
    headers: { ...binary, "content-type": "text/plain" },
    body: () => chunks(2 * mib),
    reason: "over the 1048576-byte limit",
  },
  { name: "structured, not JSON", headers: structured, body: "{oops", reason: "not valid UTF-8 JSON" },
  {
    name: "structured, 5000 deep",
    headers: structured,
    body: envelope({ data: [] }).replace("[]", deep(5000)),
    reason: "deeper than 64 levels",
  },
  {
    name: "structured, a lone surrogate in an attribute",
    headers: structured,
    body: envelope({ subject: "x" }).replace('"x"', '"\\ud800"'),
    reason: "lone UTF-16 surrogate",
  },
  {
    name: "structured, NUL in an attribute",
    headers: structured,
    body: envelope({ subject: "x" }).replace('"x"', '"\\u0000"'),
    reason: "\\u0000 (NUL)",
  },
  {
    name: "structured, an integer past 32 bits",
    headers: structured,
    body: envelope({ count: 2 ** 31 }),
    reason: "not a CloudEvents Integer",
  },
  {
    name: "structured, an integer past doubles",
    headers: structured,
    body: envelope({ count: 1 }).replace(":1", ":99999999999999999999999"),
    reason: "not a CloudEvents Integer",
  },
  {
    name: "structured, a fraction",
    headers: structured,
    body: envelope({ count: 1.5 }),
    reason: "not a CloudEvents Integer",
  },
  {
    name: "structured, an object extension",
    headers: structured,
    body: envelope({ ext: { a: 1 } }),
    reason: "must be a string, an integer or a boolean",
  },
  {
    name: "structured, an id of 3000",
    headers: structured,
    body: envelope({ id: "i".repeat(3000) }),
    reason: "over the limit of 256",
  },
  {
    name: "structured, a repeated attribute",
    headers: structured,
    body: envelope({}).replace('"id":"bad-2"', '"id":"a","id":"b"'),
    reason: "appears twice",
  },
  {
    name: "structured, data and data_base64",
    headers: structured,
    body: envelope({ data: 1, data_base64: "AQ==" }),
    reason: "data_base64",
  },
  {
    name: "structured, bad base64",
    headers: structured,
    body: envelope({ data_base64: "***" }),
    reason: "not valid base64",
  },
  {
    name: "structured, February 30",
    headers: structured,
    body: envelope({ time: "2024-02-30T00:00:00Z" }),
    reason: "February 2024 has 29 days",
  },
  { name: "structured, an array", headers: structured, body: "[]", reason: "must be a JSON object" },
  {
    name: "a batch",
    headers: { "content-type": "application/cloudevents-batch+json" },
    body: "[]",
    reason: "one event per request",
  },
  {
    name: "another format",
    headers: { "content-type": "application/cloudevents+avro" },
    body: "x",
    reason: "not supported",
  },
];

/** A body of `size` bytes in 64 KiB chunks, sent without a Content-Length. */
export function chunks(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.length;
      }
    },
  });
}

export function malformedRequests(): Malformed[] {
  const corpus: Malformed[] = [];
  for (const route of pathRoutes) {
    for (const [segment, reason] of badSegments) {
      corpus.push({
        name: `${route.method} ${route.path("…")} with ${segment.slice(0, 12)}`,
        method: route.method,
        path: route.path(segment),
        reason,
      });
    }
  }
  for (const route of queryRoutes) {
    for (const parameter of route.parameters) {
      for (const [value, reason] of badValues) {
        corpus.push({
          name: `${route.path}?${parameter}=${value.slice(0, 12)}`,
          method: route.method,
          path: `${route.path}?${parameter}=${value}`,
          reason,
        });
      }
    }
    corpus.push({
      name: `${route.path} with a bad parameter name`,
      method: route.method,
      path: `${route.path}?a%00=1`,
      reason: "U+0000",
    });
  }
  for (const { method = "GET", path, headers, reason } of wrongMeaning)
    corpus.push({
      name: `${method} ${path.slice(0, 60)}`,
      method,
      path,
      ...(headers ? { headers } : {}),
      reason,
    });
  for (const { name, body, reason } of taskBodies) {
    corpus.push({
      name: `POST /tasks, ${name}`,
      method: "POST",
      path: "/tasks",
      headers: { "content-type": "application/json" },
      body,
      reason,
    });
  }
  for (const { name, headers, body, reason } of events) {
    corpus.push({
      name: `ingress, ${name}`,
      method: "POST",
      path: ingress,
      headers,
      ...(body === undefined ? {} : { body }),
      reason,
    });
  }
  return corpus;
}
