import type { MeshEvent } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import type { CreateBrokerHarness } from "./harness.ts";
import { post, startWorld, trigger } from "./world.ts";

const allBytes = Uint8Array.from({ length: 256 }, (_, index) => index);
const bytes = (text: string) => new TextEncoder().encode(text);
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const json = (value: unknown) => JSON.stringify(value);
const structured = { "content-type": "application/cloudevents+json; charset=utf-8" };

/** Every accepted HTTP form, with the event the subscriber must receive. */
const accepted: {
  name: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  expected: MeshEvent;
}[] = [
  {
    name: "binary, JSON object (kn event send)",
    headers: {
      "Ce-Id": "kn-1",
      "Ce-Source": "kn-event/v1.19.0",
      "Ce-Specversion": "1.0",
      "Ce-Time": "2026-03-01T10:15:30.123456789Z",
      "Ce-Type": "dev.knative.cli.plugin.event.generic",
      "Content-Type": "application/json",
    },
    body: json({ capability: "general-query", nested: { list: [1, 2.5, null, "x"] } }),
    expected: {
      specversion: "1.0",
      id: "kn-1",
      source: "kn-event/v1.19.0",
      type: "dev.knative.cli.plugin.event.generic",
      time: "2026-03-01T10:15:30.123456789Z",
      datacontenttype: "application/json",
      data: bytes(json({ capability: "general-query", nested: { list: [1, 2.5, null, "x"] } })),
    },
  },
  {
    name: "binary, UTF-8 text with a byte-order mark",
    headers: {
      "ce-specversion": "1.0",
      "ce-id": "text-1",
      "ce-source": "/s",
      "ce-type": "t",
      "content-type": "text/plain; charset=utf-8",
    },
    body: "\uFEFFgrüße 😀\n",
    expected: {
      specversion: "1.0",
      id: "text-1",
      source: "/s",
      type: "t",
      datacontenttype: "text/plain; charset=utf-8",
      data: bytes("\uFEFFgrüße 😀\n"),
    },
  },
  {
    name: "binary, every byte value",
    headers: {
      "ce-specversion": "1.0",
      "ce-id": "bytes-1",
      "ce-source": "/s",
      "ce-type": "t",
      "content-type": "application/octet-stream",
    },
    body: allBytes,
    expected: {
      specversion: "1.0",
      id: "bytes-1",
      source: "/s",
      type: "t",
      datacontenttype: "application/octet-stream",
      data: allBytes,
    },
  },
  {
    name: "binary, no data, optional attributes, extensions and a percent-encoded value",
    headers: {
      "ce-specversion": "1.0",
      "ce-id": "attrs-1",
      "ce-source": "/s",
      "ce-type": "t",
      "ce-subject": "Euro%20%E2%82%AC%20%F0%9F%98%80",
      "ce-dataschema": "https://schemas.example/t.json",
      "ce-time": "2026-01-01T00:00:00Z",
      "ce-meshagent": "architect",
      "ce-traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    },
    expected: {
      specversion: "1.0",
      id: "attrs-1",
      source: "/s",
      type: "t",
      subject: "Euro € 😀",
      dataschema: "https://schemas.example/t.json",
      time: "2026-01-01T00:00:00Z",
      meshagent: "architect",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    },
  },
  {
    name: "structured, JSON data",
    headers: structured,
    body: json({
      specversion: "1.0",
      id: "s-1",
      source: "/s",
      type: "t",
      datacontenttype: "application/json",
      data: { a: [true] },
    }),
    expected: {
      specversion: "1.0",
      id: "s-1",
      source: "/s",
      type: "t",
      datacontenttype: "application/json",
      data: bytes('{"a":[true]}'),
    },
  },
  {
    name: "structured, data_base64",
    headers: structured,
    body: json({
      specversion: "1.0",
      id: "s-2",
      source: "/s",
      type: "t",
      datacontenttype: "image/png",
      data_base64: base64(allBytes),
    }),
    expected: {
      specversion: "1.0",
      id: "s-2",
      source: "/s",
      type: "t",
      datacontenttype: "image/png",
      data: allBytes,
    },
  },
  {
    name: "structured, text data",
    headers: structured,
    body: json({
      specversion: "1.0",
      id: "s-3",
      source: "/s",
      type: "t",
      datacontenttype: "text/csv",
      data: "a,b\n1,2\n",
    }),
    expected: {
      specversion: "1.0",
      id: "s-3",
      source: "/s",
      type: "t",
      datacontenttype: "text/csv",
      data: bytes("a,b\n1,2\n"),
    },
  },
];

const binary = { "ce-specversion": "1.0", "ce-id": "1", "ce-source": "/s", "ce-type": "t" };

/** Invalid forms, each with a part of the reason the 400 must give. */
const refused: { name: string; headers: Record<string, string>; body?: string; reason: string }[] = [
  {
    name: "not a CloudEvent",
    headers: { "content-type": "application/json" },
    body: "{}",
    reason: "not a CloudEvent",
  },
  { name: "binary without ce-id", headers: { ...binary, "ce-id": "" }, reason: "id is missing" },
  {
    name: "binary without ce-specversion",
    headers: { "ce-id": "1", "ce-source": "/s", "ce-type": "t" },
    reason: "ce-specversion",
  },
  { name: "binary with specversion 0.3", headers: { ...binary, "ce-specversion": "0.3" }, reason: '"0.3"' },
  { name: "binary with a bad time", headers: { ...binary, "ce-time": "soon" }, reason: "RFC 3339" },
  {
    name: "binary with invalid JSON",
    headers: { ...binary, "content-type": "application/json" },
    body: "{",
    reason: "not valid JSON",
  },
  { name: "binary with a bad extension name", headers: { ...binary, "ce-my_ext": "x" }, reason: "my_ext" },
  { name: "structured, not JSON", headers: structured, body: "{oops", reason: "not valid UTF-8 JSON" },
  {
    name: "structured without source",
    headers: structured,
    body: json({ specversion: "1.0", id: "1", type: "t" }),
    reason: "source is missing",
  },
  {
    name: "structured with data and data_base64",
    headers: structured,
    body: json({ specversion: "1.0", id: "1", source: "/s", type: "t", data: 1, data_base64: "AQ==" }),
    reason: "data_base64",
  },
  {
    name: "structured in another format",
    headers: { "content-type": "application/cloudevents+avro" },
    body: "x",
    reason: "not supported",
  },
  {
    name: "batch mode",
    headers: { "content-type": "application/cloudevents-batch+json" },
    body: json([{ specversion: "1.0", id: "1", source: "/s", type: "t" }]),
    reason: "one event per request",
  },
];

export function ingressContract(create: CreateBrokerHarness): void {
  describe("ingress", () => {
    it("accepts every CloudEvents HTTP form and delivers attributes and data intact", async () => {
      const world = await startWorld(create, [trigger("everything")]);
      try {
        for (const form of accepted) {
          const response = await post(world.harness, form.headers, form.body);
          expect(response.status, form.name).toBe(202);
        }
        await world.harness.idle();
        const received = world.subscriber("everything").received.map((entry) => entry.event);
        const byId = new Map(received.map((event) => [event.id, event]));
        expect(received).toHaveLength(accepted.length);
        for (const form of accepted) expect(byId.get(form.expected.id), form.name).toEqual(form.expected);
        const data = received.map((event) => event.data).filter((value) => value !== undefined);
        for (const value of data) expect(value).toBeInstanceOf(Uint8Array);
      } finally {
        await world.harness.close();
      }
    });

    it("refuses each invalid form with 400 and says why", async () => {
      const world = await startWorld(create, [trigger("everything")]);
      try {
        for (const form of refused) {
          const response = await post(world.harness, form.headers, form.body);
          expect(response.status, form.name).toBe(400);
          const body = (await response.json()) as { error: string };
          expect(body.error, form.name).toContain(form.reason);
        }
        await world.harness.idle();
        expect(world.subscriber("everything").received).toEqual([]);
      } finally {
        await world.harness.close();
      }
    });

    it("answers 404 for an unknown broker or path and 405 for other methods", async () => {
      const world = await startWorld(create, [trigger("everything")]);
      try {
        const unknown = await post(world.harness, binary, undefined, {
          url: "http://broker.test/contract/other",
        });
        expect(unknown.status).toBe(404);
        expect(((await unknown.json()) as { error: string }).error).toContain("no broker other");
        const path = await post(world.harness, binary, undefined, { url: "http://broker.test/contract" });
        expect(path.status).toBe(404);
        const get = await post(world.harness, {}, undefined, { method: "GET" });
        expect(get.status).toBe(405);
        expect(get.headers.get("allow")).toBe("POST");
        const put = await post(world.harness, binary, undefined, { method: "PUT" });
        expect(put.status).toBe(405);
        const getUnknown = await post(world.harness, {}, undefined, {
          method: "GET",
          url: "http://broker.test/contract/other",
        });
        expect(getUnknown.status).toBe(404);
      } finally {
        await world.harness.close();
      }
    });
  });
}
