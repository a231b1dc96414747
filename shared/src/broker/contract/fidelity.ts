import { describe, expect, it } from "vitest";
import { handlerView } from "../event-data.ts";
import type { CreateBrokerHarness } from "./harness.ts";
import { post, startWorld, trigger } from "./world.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const binary = (id: string, contentType?: string) => ({
  "ce-specversion": "1.0",
  "ce-id": id,
  "ce-source": "/fidelity",
  "ce-type": "dev.meshsix.contract.exact",
  ...(contentType === undefined ? {} : { "content-type": contentType }),
});
const structured = { "content-type": "application/cloudevents+json" };

/** Binary-mode bodies that JSON.parse and JSON.stringify would change, and bodies that are not JSON. */
const bodies: { name: string; contentType?: string; body: Uint8Array }[] = [
  {
    name: "an integer beyond 2^53",
    contentType: "application/json",
    body: bytes('{"n":12345678901234567890}'),
  },
  { name: "a bare big integer", contentType: "application/json", body: bytes("12345678901234567890") },
  { name: "1.0 and 1e400", contentType: "application/json", body: bytes("[1.0, 1e400, -0, 0.10, 1E+2]") },
  { name: "key order", contentType: "application/json", body: bytes('{"b":1,"a":2,"2":"x","1":"y"}') },
  { name: "duplicate keys", contentType: "application/json", body: bytes('{"a":1,"a":2}') },
  {
    name: "unicode escapes and literal characters",
    contentType: "application/json; charset=utf-8",
    body: bytes('{"e":"\\u00e9","é":"é","s":"\\ud83d\\ude00😀","slash":"a\\/b"}'),
  },
  { name: "whitespace", contentType: "application/json", body: bytes('  {\r\n\t"a" :  [ 1 ,2 ]\n}  \n') },
  {
    name: "a +json type",
    contentType: "application/vnd.api+json",
    body: bytes('{"data":{"id":"1"},"x":1.50}'),
  },
  {
    name: "deep but within the limit",
    contentType: "application/json",
    body: bytes(`${"[".repeat(64)}${"]".repeat(64)}`),
  },
  { name: "text with CRLF", contentType: "text/plain", body: bytes("line 1\r\nline 2\r\n") },
  { name: "XML", contentType: "application/xml", body: bytes('<?xml version="1.0"?><a b="1.0"/>') },
  { name: "text that is not UTF-8", contentType: "text/plain", body: Uint8Array.of(0xc3, 0x28, 0xff) },
  {
    name: "every byte value",
    contentType: "application/octet-stream",
    body: Uint8Array.from({ length: 256 }, (_, index) => index),
  },
  { name: "no content type", body: bytes('{"not":"declared"}') },
];

/** Structured-mode bodies with the data each must deliver, byte for byte. */
const envelopes: { name: string; body: string; contentType: string | undefined; data: Uint8Array }[] = [
  {
    name: "JSON data as written",
    body: '{"specversion":"1.0","id":"s-1","source":"/fidelity","type":"t","datacontenttype":"application/json","data" : { "b":1.0, "a" : [12345678901234567890] } }',
    contentType: "application/json",
    data: bytes('{ "b":1.0, "a" : [12345678901234567890] }'),
  },
  {
    name: "JSON data without a datacontenttype",
    body: '{"specversion":"1.0","id":"s-2","source":"/fidelity","type":"t","data":[1.0,"\\u00e9"]}',
    contentType: "application/json",
    data: bytes('[1.0,"\\u00e9"]'),
  },
  {
    name: "text data",
    body: '{"specversion":"1.0","id":"s-3","source":"/fidelity","type":"t","datacontenttype":"text/plain","data":"a\\u00e9\\r\\nb"}',
    contentType: "text/plain",
    data: bytes("aé\r\nb"),
  },
  {
    name: "data_base64",
    body: '{"specversion":"1.0","id":"s-4","source":"/fidelity","type":"t","datacontenttype":"image/png","data_base64":"AAEC/w=="}',
    contentType: "image/png",
    data: Uint8Array.of(0, 1, 2, 255),
  },
];

/**
 * A broker keeps the bytes it was given: from the ingress to the subscriber, into the
 * event log and into the dead-letter store, in binary and structured mode; every
 * attribute is logged, extensions with their CloudEvents type.
 */
export function fidelityContract(create: CreateBrokerHarness): void {
  describe("data byte for byte", () => {
    it("delivers, logs and dead-letters binary-mode data exactly as given", async () => {
      const world = await startWorld(create, [trigger("exact"), trigger("refusing")], {
        refusing: () => ({ status: 400, body: "no" }),
      });
      try {
        for (const [index, { name, contentType, body }] of bodies.entries()) {
          const response = await post(world.harness, binary(`b-${index}`, contentType), body);
          expect(response.status, `${name}: ${await response.clone().text()}`).toBe(202);
        }
        await world.harness.idle();
        const delivered = new Map(world.subscriber("exact").received.map(({ event }) => [event.id, event]));
        const logged = new Map((await world.harness.eventLog()).map((row) => [row.eventId, row.event]));
        const dead = new Map(
          (await world.harness.listDeadLetters()).map((letter) => [letter.event.id, letter.event]),
        );
        for (const [index, { name, contentType, body }] of bodies.entries()) {
          for (const [where, events] of [
            ["delivered", delivered],
            ["logged", logged],
            ["dead-lettered", dead],
          ] as const) {
            const event = events.get(`b-${index}`);
            expect(event?.data, `${name}, ${where}`).toEqual(body);
            expect(event?.datacontenttype, `${name}, ${where}`).toBe(contentType);
          }
        }
        // handlers still get parsed data
        expect(handlerView(delivered.get("b-4")!).data).toEqual({ a: 2 });
      } finally {
        await world.harness.close();
      }
    });

    it("keeps the data member of a structured-mode event as written", async () => {
      const world = await startWorld(create, [trigger("exact")]);
      try {
        for (const { name, body } of envelopes) {
          const response = await post(world.harness, structured, body);
          expect(response.status, `${name}: ${await response.clone().text()}`).toBe(202);
        }
        await world.harness.idle();
        const delivered = world.subscriber("exact").received.map(({ event }) => event);
        const logged = await world.harness.eventLog();
        for (const [index, { name, contentType, data }] of envelopes.entries()) {
          const id = `s-${index + 1}`;
          const event = delivered.find((candidate) => candidate.id === id);
          expect(event?.data, name).toEqual(data);
          expect(event?.datacontenttype, name).toBe(contentType);
          expect(logged.find((row) => row.eventId === id)?.event?.data, name).toEqual(data);
        }
      } finally {
        await world.harness.close();
      }
    });

    it("logs every attribute, extensions with their types; subscribers get them typed unless the hop is binary mode", async () => {
      const world = await startWorld(create, [trigger("exact")]);
      const attributes = {
        specversion: "1.0",
        id: "attrs",
        source: "/fidelity",
        type: "t",
        time: "2026-02-28T23:59:59.123456789Z",
        subject: "the subject",
        dataschema: "https://schemas.example/t.json",
        datacontenttype: "application/json",
        priority: 7,
        urgent: false,
        label: "x",
      };
      try {
        const body = JSON.stringify({ ...attributes, data: { ok: true } });
        expect((await post(world.harness, structured, body)).status).toBe(202);
        await world.harness.idle();
        const [row] = await world.harness.eventLog();
        expect(row?.event).toEqual({ ...attributes, data: bytes('{"ok":true}') });
        const [received] = world.subscriber("exact").received;
        const typed = world.harness.extensionsAsStrings
          ? { ...attributes, priority: "7", urgent: "false" }
          : attributes;
        expect(received?.event).toEqual({ ...typed, data: bytes('{"ok":true}') });
      } finally {
        await world.harness.close();
      }
    });
  });
}
