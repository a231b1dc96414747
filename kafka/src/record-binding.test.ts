import type { MeshEvent } from "@mesh-six/events";
import { dataBytes, handlerView } from "@mesh-six/shared/broker/event-data";
import type { ParseResult } from "@mesh-six/shared/broker/http-binding";
import { describe, expect, it } from "vitest";
import { eventToRecord, type ReceivedRecord, recordToEvent } from "./record-binding.ts";

const event: MeshEvent = {
  specversion: "1.0",
  id: "task-1",
  source: "/mesh-six/gateway",
  type: "dev.meshsix.task.requested",
  time: "2026-03-01T10:15:30.123456789Z",
  datacontenttype: "application/json",
  data: { capability: "general-query", input: { question: "grüß dich" } },
};

function expectEvent(result: ParseResult): MeshEvent {
  if (!result.ok) throw new Error(`expected an event, got: ${result.error}`);
  return result.event;
}

function expectError(result: ParseResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.event)}`);
  return result.error;
}

/** The record as a consumer receives it: every header value as bytes. */
function received(record: ReturnType<typeof eventToRecord>): ReceivedRecord {
  const headers = Object.fromEntries(
    Object.entries(record.headers).map(([name, value]) => [name, Buffer.from(value)]),
  );
  return { value: record.value, headers };
}

describe("eventToRecord", () => {
  it("writes binary mode: ce_ headers, content-type, the data as the value", () => {
    const record = eventToRecord(event);
    expect(record.headers).toEqual({
      ce_specversion: "1.0",
      ce_id: "task-1",
      ce_source: "/mesh-six/gateway",
      ce_type: "dev.meshsix.task.requested",
      ce_time: "2026-03-01T10:15:30.123456789Z",
      "content-type": "application/json",
    });
    expect(record.value?.toString("utf8")).toBe(JSON.stringify(event.data));
    expect(record.key).toBeNull();
  });

  it("keys the record by the partitionkey extension and keeps the extension as a header", () => {
    const record = eventToRecord({ ...event, partitionkey: "project-7" });
    expect(record.key).toBe("project-7");
    expect(record.headers.ce_partitionkey).toBe("project-7");
  });

  it("keeps attribute values as plain UTF-8, not percent-encoded as on HTTP", () => {
    const record = eventToRecord({ ...event, subject: "Ärger 100%" });
    expect(record.headers.ce_subject).toBe("Ärger 100%");
  });

  it("writes no value when the event has no data", () => {
    const { data: _data, datacontenttype: _type, ...bare } = event;
    const record = eventToRecord(bare as MeshEvent);
    expect(record.value).toBeNull();
    expect(record.headers["content-type"]).toBeUndefined();
  });
});

describe("recordToEvent", () => {
  it("reads back what eventToRecord wrote: JSON, text, every byte value, extensions", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    const cases: MeshEvent[] = [
      { ...event, partitionkey: "p", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      { ...event, datacontenttype: "text/plain; charset=utf-8", data: "a line\nand ümlauts" },
      { ...event, datacontenttype: "application/octet-stream", data: bytes },
      { ...event, subject: 'Ärger 100% "quoted"' },
    ];
    for (const original of cases) {
      const read = expectEvent(recordToEvent(received(eventToRecord(original))));
      // the data as bytes, exactly what was written; as a handler reads it, the original
      expect(read.data).toEqual(dataBytes(original));
      expect(handlerView(read)).toEqual(original);
    }
  });

  it("reads a record written by the Knative Kafka broker's receiver", () => {
    const record: ReceivedRecord = {
      value: Buffer.from('{"capability":"general-query"}'),
      headers: {
        ce_specversion: Buffer.from("1.0"),
        ce_id: Buffer.from("3f1c9b8e-1b2a-4a8e-9d1c-0c2b8f5e7a11"),
        ce_source: Buffer.from("kn-event/v1.19.0"),
        ce_type: Buffer.from("dev.meshsix.task.requested"),
        ce_time: Buffer.from("2026-03-01T10:15:30.123456789Z"),
        "content-type": Buffer.from("application/json"),
      },
    };
    expect(expectEvent(recordToEvent(record))).toEqual({
      specversion: "1.0",
      id: "3f1c9b8e-1b2a-4a8e-9d1c-0c2b8f5e7a11",
      source: "kn-event/v1.19.0",
      type: "dev.meshsix.task.requested",
      time: "2026-03-01T10:15:30.123456789Z",
      datacontenttype: "application/json",
      data: new Uint8Array(Buffer.from('{"capability":"general-query"}')),
    });
  });

  it("ignores headers that are not CloudEvents attributes", () => {
    const record = received(eventToRecord(event));
    expect(
      expectEvent(
        recordToEvent({ ...record, headers: { ...record.headers, "x-trace": Buffer.from([0xff]) } }),
      ),
    ).toEqual({ ...event, data: dataBytes(event) });
  });

  it("says which header is not UTF-8", () => {
    const record = received(eventToRecord(event));
    const error = expectError(
      recordToEvent({ ...record, headers: { ...record.headers, ce_subject: Buffer.from([0xc3, 0x28]) } }),
    );
    expect(error).toBe("record header ce_subject is not UTF-8 text");
  });

  it("refuses a record without the required attributes, naming them", () => {
    const error = expectError(
      recordToEvent({ value: Buffer.from("{}"), headers: { ce_id: "1", ce_specversion: "1.0" } }),
    );
    expect(error).toContain("source is missing");
    expect(error).toContain("type is missing");
  });

  it("refuses a record that is not a CloudEvent at all", () => {
    expect(expectError(recordToEvent({ value: Buffer.from("hello") }))).toContain("is not a CloudEvent");
  });
});
