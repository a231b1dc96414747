import type { MeshEvent } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import { dataBytes, handlerView } from "./event-data.ts";
import { fromStored, toStored } from "./event-json.ts";
import {
  decodeHttpMessage,
  decodeHttpRequest,
  encodeBinary,
  encodeStructured,
  type ParseResult,
} from "./http-binding.ts";

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);
const allBytes = Uint8Array.from({ length: 256 }, (_, index) => index);

function decode(headers: Record<string, string>, body: string | Uint8Array = ""): ParseResult {
  return decodeHttpMessage({
    headers: new Headers(headers),
    body: typeof body === "string" ? encoder.encode(body) : body,
  });
}

function expectEvent(result: ParseResult): MeshEvent {
  if (!result.ok) throw new Error(`expected an event, got: ${result.error}`);
  return result.event;
}

function expectError(result: ParseResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.event)}`);
  return result.error;
}

const base = { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/test", "ce-type": "dev.meshsix.test" };

function roundTrip(event: MeshEvent): MeshEvent {
  const { headers, body } = encodeBinary(event);
  return expectEvent(decode(headers, body ?? new Uint8Array()));
}

describe("binary mode", () => {
  it("reads what kn event send posts", async () => {
    const request = new Request("http://broker/mesh-six/default", {
      method: "POST",
      headers: {
        "Ce-Id": "3f1c9b8e-1b2a-4a8e-9d1c-0c2b8f5e7a11",
        "Ce-Source": "kn-event/v1.19.0",
        "Ce-Specversion": "1.0",
        "Ce-Time": "2026-03-01T10:15:30.123456789Z",
        "Ce-Type": "dev.meshsix.task.requested",
        "Content-Type": "application/json",
        "User-Agent": "Go-http-client/1.1",
      },
      body: '{"capability":"general-query","input":{"question":"hi"}}',
    });
    const event = expectEvent(await decodeHttpRequest(request));
    expect(event).toEqual({
      specversion: "1.0",
      id: "3f1c9b8e-1b2a-4a8e-9d1c-0c2b8f5e7a11",
      source: "kn-event/v1.19.0",
      type: "dev.meshsix.task.requested",
      time: "2026-03-01T10:15:30.123456789Z",
      datacontenttype: "application/json",
      data: bytesOf('{"capability":"general-query","input":{"question":"hi"}}'),
    });
    expect(handlerView(event).data).toEqual({ capability: "general-query", input: { question: "hi" } });
  });

  it("keeps extensions and percent-decodes header values", () => {
    const event = expectEvent(
      decode({
        ...base,
        "ce-meshagent": "architect",
        "ce-subject": "Euro%20%E2%82%AC%20%F0%9F%98%80",
        "ce-q": '"a b"',
      }),
    );
    expect(event).toMatchObject({ meshagent: "architect", subject: "Euro € 😀", q: "a b" });
    expect(event.data).toBeUndefined();
  });

  it("round-trips JSON, text, every byte value and attributes through encode and decode (data as bytes)", () => {
    const events: MeshEvent[] = [
      {
        specversion: "1.0",
        id: "j",
        source: "/s",
        type: "t",
        datacontenttype: "application/json",
        data: [1, "two", null],
      },
      {
        specversion: "1.0",
        id: "s",
        source: "/s",
        type: "t",
        datacontenttype: "application/json",
        data: "just a string",
      },
      {
        specversion: "1.0",
        id: "t",
        source: "/s",
        type: "t",
        datacontenttype: "text/plain; charset=utf-8",
        data: "\uFEFFhé 😀",
      },
      {
        specversion: "1.0",
        id: "b",
        source: "/s",
        type: "t",
        datacontenttype: "application/octet-stream",
        data: allBytes,
      },
      {
        specversion: "1.0",
        id: "n",
        source: "/s",
        type: "t",
        subject: 'a "quoted" 100% ünïcode subject',
        ext1: "x y",
      },
      { specversion: "1.0", id: "e", source: "/s", type: "t", datacontenttype: "application/json" },
    ];
    for (const event of events) {
      const received = roundTrip(event);
      const bytes = dataBytes(event);
      expect(received).toEqual({ ...event, ...(bytes ? { data: bytes } : {}) });
      expect(handlerView(received)).toEqual(event);
    }
  });

  it("keeps bytes that are not UTF-8 as bytes even for a text type", () => {
    const bytes = Uint8Array.of(0xff, 0xfe, 0x00, 0x41);
    const event = expectEvent(decode({ ...base, "content-type": "text/plain" }, bytes));
    expect(event.data).toEqual(bytes);
    expect(encodeBinary(event).body).toEqual(bytes);
  });

  it("keeps data without a content type as bytes", () => {
    expect(expectEvent(decode(base, "hello")).data).toEqual(encoder.encode("hello"));
  });

  it("sends data with no datacontenttype as JSON", () => {
    const { headers, body } = encodeBinary({
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      data: { a: 1 },
    });
    expect(headers["content-type"]).toBe("application/json");
    expect(new TextDecoder().decode(body)).toBe('{"a":1}');
  });

  it.each([
    [{ "ce-specversion": "1.0", "ce-source": "/s", "ce-type": "t" }, "id is missing"],
    [{ "ce-specversion": "1.0", "ce-id": "1", "ce-type": "t" }, "source is missing"],
    [{ "ce-id": "1", "ce-source": "/s", "ce-type": "t" }, "ce-specversion header is missing"],
    [{ ...base, "ce-specversion": "0.3" }, 'specversion is "0.3"'],
    [{ ...base, "ce-time": "yesterday" }, "not an RFC 3339 timestamp"],
    [{ ...base, "ce-bad_name": "x" }, '"bad_name" is not a valid attribute name'],
    [{ ...base, "ce-datacontenttype": "text/plain" }, "drop the ce-datacontenttype header"],
    [{ ...base, "ce-subject": "%C0%A0" }, "not UTF-8"],
    [{ "content-type": "application/json" }, "not a CloudEvent"],
  ])("refuses %j: %s", (headers, reason) => {
    expect(expectError(decode(headers, "{}"))).toContain(reason);
  });

  it("refuses a JSON content type with a body that is not JSON", () => {
    expect(expectError(decode({ ...base, "content-type": "application/json" }, "{nope"))).toContain(
      "not valid JSON although its datacontenttype (Content-Type in binary mode) is application/json",
    );
  });
});

describe("structured mode", () => {
  const structured = (json: unknown, contentType = "application/cloudevents+json; charset=utf-8") =>
    decode({ "content-type": contentType }, typeof json === "string" ? json : JSON.stringify(json));

  it("reads JSON data, data_base64 bytes, text and typed extensions", () => {
    const event = expectEvent(
      structured({
        specversion: "1.0",
        id: "1",
        source: "/s",
        type: "t",
        count: 3,
        flag: true,
        data: { a: [1] },
      }),
    );
    expect(event).toEqual({
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      count: 3,
      flag: true,
      datacontenttype: "application/json",
      data: bytesOf('{"a":[1]}'),
    });
    const bytes = expectEvent(
      structured({
        specversion: "1.0",
        id: "2",
        source: "/s",
        type: "t",
        data_base64: Buffer.from(allBytes).toString("base64"),
      }),
    );
    expect(bytes.data).toEqual(allBytes);
    expect(bytes.data_base64).toBeUndefined();
    const text = expectEvent(
      structured({
        specversion: "1.0",
        id: "3",
        source: "/s",
        type: "t",
        datacontenttype: "text/plain",
        data: "hi",
      }),
    );
    expect(text.data).toEqual(bytesOf("hi"));
    expect(handlerView(text).data).toBe("hi");
  });

  it("round-trips through encodeStructured", () => {
    const event: MeshEvent = {
      specversion: "1.0",
      id: "b",
      source: "/s",
      type: "t",
      meshagent: "x",
      data: allBytes,
    };
    const { headers, body } = encodeStructured(event);
    expect(expectEvent(decode(headers, body))).toEqual(event);
  });

  it.each([
    ["{not json", "not valid UTF-8 JSON"],
    [[{ specversion: "1.0" }], "must be a JSON object"],
    [{ specversion: "1.0", id: "1", source: "/s" }, "type is missing"],
    [
      { specversion: "1.0", id: "1", source: "/s", type: "t", data: 1, data_base64: "AA==" },
      'both "data" and "data_base64"',
    ],
    [
      { specversion: "1.0", id: "1", source: "/s", type: "t", data_base64: "not base64!" },
      "not valid base64",
    ],
    [
      { specversion: "1.0", id: "1", source: "/s", type: "t", Bad: "x" },
      'extension attribute "Bad" has an invalid name',
    ],
    [
      { specversion: "1.0", id: "1", source: "/s", type: "t", ext: { a: 1 } },
      'extension attribute "ext" must be',
    ],
  ])("refuses %j", (json, reason) => {
    expect(expectError(structured(json))).toContain(reason);
  });

  it("refuses batches and other formats with the reason", () => {
    expect(expectError(structured("[]", "application/cloudevents-batch+json"))).toContain(
      "send one event per request",
    );
    expect(expectError(structured("x", "application/cloudevents+avro"))).toContain("is not supported");
  });
});

describe("the W3C traceparent header", () => {
  const header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  it("becomes the traceparent (and tracestate) of an event that has none", () => {
    expect(expectEvent(decode({ ...base, traceparent: header, tracestate: "v=1" }))).toMatchObject({
      traceparent: header,
      tracestate: "v=1",
    });
  });

  it("loses to the event's own extension, and is ignored when malformed or only restating the derived trace", () => {
    expect(expectEvent(decode({ ...base, "ce-traceparent": own, traceparent: header })).traceparent).toBe(
      own,
    );
    expect(expectEvent(decode({ ...base, traceparent: "00-bad" })).traceparent).toBeUndefined();
    const { headers } = encodeBinary({
      specversion: "1.0",
      id: "1",
      source: "/test",
      type: "dev.meshsix.test",
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(headers["ce-traceparent"]).toBeUndefined();
    expect(expectEvent(decode(headers)).traceparent).toBeUndefined();
  });
});

describe("stored events", () => {
  const stored = (event: MeshEvent) => {
    const { attributes, data } = toStored(event);
    return fromStored(JSON.parse(attributes), data);
  };

  it("stores the attributes with their types and the data bytes as they are", () => {
    const event: MeshEvent = {
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      ext: "v",
      count: 7,
      flag: false,
      data: allBytes,
    };
    const { attributes, data } = toStored(event);
    expect(JSON.parse(attributes)).toEqual({
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      ext: "v",
      count: 7,
      flag: false,
    });
    expect(new Uint8Array(data!)).toEqual(allBytes);
    expect(stored(event)).toEqual(event);
  });

  it("reads rows stored before data was kept as bytes", () => {
    const legacy = {
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      datacontenttype: "application/json",
      data: null,
    };
    expect(fromStored(legacy, null)).toEqual({ ...legacy, data: bytesOf("null") });
    const base64 = { specversion: "1.0", id: "2", source: "/s", type: "t", data_base64: "AAE=" };
    expect(fromStored(base64, null)).toEqual({
      specversion: "1.0",
      id: "2",
      source: "/s",
      type: "t",
      data: Uint8Array.of(0, 1),
    });
  });
});
