import type { MeshEvent } from "@mesh-six/events";
import { describe, expect, it } from "vitest";
import { NonRetryableError } from "../errors.ts";
import { dataBytes, dataValue, handlerView, withDataBytes } from "./event-data.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const base = { specversion: "1.0", id: "1", source: "/s", type: "t" } as const;

describe("event data", () => {
  it("gives handlers JSON parsed, UTF-8 text as a string and other bytes as they are", () => {
    expect(dataValue({ ...base, datacontenttype: "application/json", data: bytes('{"a":[1.0]}') })).toEqual({
      a: [1],
    });
    expect(dataValue({ ...base, datacontenttype: "text/plain", data: bytes("hé") })).toBe("hé");
    const opaque = Uint8Array.of(0xff, 0);
    expect(dataValue({ ...base, datacontenttype: "text/plain", data: opaque })).toBe(opaque);
    expect(dataValue({ ...base, data: bytes("{}") })).toEqual(bytes("{}"));
    expect(() => dataValue({ ...base, datacontenttype: "application/json", data: bytes("{") })).toThrow(
      NonRetryableError,
    );
  });

  it("keeps the original bytes when a handler passes its view on unchanged, even spread into a new event", () => {
    const wire: MeshEvent = {
      ...base,
      datacontenttype: "application/json",
      data: bytes('{"n":12345678901234567890}'),
    };
    const view = handlerView(wire);
    // the handler gets the number JavaScript can hold; the bytes keep every digit
    expect(view.data).toEqual({ n: 12345678901234567000 });
    expect(dataBytes(view)).toBe(wire.data);
    expect(withDataBytes(view).data).toBe(wire.data);
    // other data, or another type, is written anew
    expect(new TextDecoder().decode(dataBytes({ ...view, data: { n: 1 } }))).toBe('{"n":1}');
    expect(dataBytes({ ...view, datacontenttype: "text/plain" })).not.toBe(wire.data);
  });

  it("writes data made by code once: JSON by default, text for a text type, bytes as they are", () => {
    expect(withDataBytes({ ...base, data: { a: 1 } })).toEqual({
      ...base,
      datacontenttype: "application/json",
      data: bytes('{"a":1}'),
    });
    expect(withDataBytes({ ...base, datacontenttype: "text/csv", data: "a,b" }).data).toEqual(bytes("a,b"));
    expect(withDataBytes({ ...base, data: "a,b" }).data).toEqual(bytes('"a,b"'));
    expect(() => dataBytes({ ...base, data: { n: 1n } })).toThrow(/cannot be written as JSON/);
  });
});
