import { describe, expect, it } from "vitest";
import { UsageError } from "../command.ts";
import { binaryRequest, buildEvent, knDefaultType, rfc3339Nano } from "./event.ts";

const settings = {
  defaultSource: "mesh/0.0.0",
  now: () => new Date("2020-08-24T14:01:12.120Z"),
  newId: () => "99e4f4f6-08ff-4bff-acf1-47f61ded68c9",
};

describe("the event kn builds", () => {
  it("uses kn's defaults: its generic type, a new UUID, the tool's source, time now, an empty object", () => {
    expect(buildEvent({}, settings)).toEqual({
      id: "99e4f4f6-08ff-4bff-acf1-47f61ded68c9",
      type: knDefaultType,
      source: "mesh/0.0.0",
      time: new Date("2020-08-24T14:01:12.120Z"),
      data: {},
    });
    expect(knDefaultType).toBe("dev.knative.cli.plugin.event.generic");
  });

  it("takes the flags, and an empty --id gets a new UUID as the Go client does", () => {
    const event = buildEvent(
      { type: "org.example.ping", id: "", source: "/events/ping", fields: ["ping=123"] },
      settings,
    );
    expect(event).toMatchObject({ id: settings.newId(), type: "org.example.ping", source: "/events/ping" });
    expect(event.data).toEqual({ ping: 123 });
  });

  it.each<[string, Parameters<typeof buildEvent>[0], string]>([
    ["a blank id", { id: "  " }, "--id must not be blank"],
    ["a blank type", { type: "" }, "--type must not be blank"],
    ["a blank source", { source: " " }, "--source must not be blank"],
    ["a newline in the type", { type: "a\nb" }, "--type contains the control character U+000a"],
    ["a NUL in the id", { id: "a\u0000" }, "--id contains the control character U+0000"],
    ["a bad %-escape in the source", { source: "/a%zz" }, "'%' that is not a %-escape"],
    ["a space in the source", { source: "/my tool" }, "it has a space; write it as %20"],
    ["a '<' in the source", { source: "/a<b" }, "it has a '<'"],
    ["a colon in a relative source's first segment", { source: "1tool:x" }, "use ./1tool:x"],
    ["a source starting with ':'", { source: ":x" }, "use ./:x"],
    ["a second '#' in the source", { source: "/a#b#c" }, "it has a second '#'"],
    ["a bracket outside the host", { source: "/a[1]" }, "it has a '[' outside an IPv6 host"],
    ["a port that is not a number", { source: "http://host:port/x" }, "port 'port' is not a number"],
    ["an unclosed IPv6 host", { source: "http://[::1/x" }, "an IPv6 host needs its closing ']'"],
    ["a field without '='", { fields: ["x"] }, "--field 'x' has no '='"],
  ])("refuses %s", (_name, flags, message) => {
    expect(() => buildEvent(flags, settings)).toThrow(UsageError);
    expect(() => buildEvent(flags, settings)).toThrow(message);
  });
});

describe("--source: a URI reference (RFC 3986; non-ASCII letters pass, as kn sends them)", () => {
  it.each([
    "/events/ping",
    "mesh/0.0.1",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "https://github.com/cloudevents/spec/pull/123",
    "http://[::1]:8080/a?b=c#d",
    "mailto:someone@example.com",
    "/źródło",
    "./1tool:x",
    "/a%20b",
    "#fragment",
  ])("takes %s", (source) => {
    expect(buildEvent({ source }, settings).source).toBe(source);
  });
});

describe("the request kn sends (CloudEvents Go SDK, binary mode)", () => {
  it("is a POST with ce-* headers, application/json and the data as Go writes it", () => {
    const event = buildEvent(
      {
        type: "org.example.ping",
        id: "id-1",
        source: "/events/ping",
        fields: ["person.name=Chris", "ping=123", "active=true"],
        rawFields: ["ref=321", "html=<b>"],
      },
      settings,
    );
    expect(binaryRequest(new URL("http://localhost:8080/mesh-six/default"), event)).toEqual({
      method: "POST",
      url: "http://localhost:8080/mesh-six/default",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": "id-1",
        "ce-source": "/events/ping",
        "ce-type": "org.example.ping",
        "ce-time": "2020-08-24T14:01:12.12Z",
        "content-type": "application/json",
      },
      body: '{"active":true,"html":"\\u003cb\\u003e","person":{"name":"Chris"},"ping":123,"ref":"321"}',
    });
  });

  it("writes header values as their UTF-8 bytes, as Go does", () => {
    const event = buildEvent({ source: "/źródło" }, settings);
    const header = binaryRequest(new URL("http://localhost/"), event).headers["ce-source"]!;
    expect(Buffer.from(header, "latin1").toString("utf8")).toBe("/źródło");
  });

  it.each<[string, string]>([
    ["2020-08-24T14:01:12.000Z", "2020-08-24T14:01:12Z"],
    ["2020-08-24T14:01:12.100Z", "2020-08-24T14:01:12.1Z"],
    ["2020-08-24T14:01:12.123Z", "2020-08-24T14:01:12.123Z"],
  ])("formats the time %s as Go's RFC3339Nano %s", (iso, text) => {
    expect(rfc3339Nano(new Date(iso))).toBe(text);
  });
});
