import { describe, expect, it } from "vitest";
import { type DeadLetterView, describeDeadLetter, reasonCell } from "./dead-letter-text.ts";

const letter = (fields: Partial<DeadLetterView>): DeadLetterView => ({
  id: "7",
  broker: "mesh-six/default",
  trigger: "builder-tasks",
  subscriber: "http://builder.mesh-six.svc.cluster.local",
  event: { specversion: "1.0", id: "e-1", source: "/test", type: "dev.meshsix.task.dispatched" },
  errorCode: 503,
  errorData: null,
  attempts: 3,
  createdAt: "2026-01-01T00:00:00.000Z",
  replayedAt: null,
  ...fields,
});

describe("dead letters as text", () => {
  it("puts the reason on one line in the table, '(not text)' for bytes, '-' for none", () => {
    expect(reasonCell(letter({ errorData: "b2s=", errorText: "  busy,\n\ttry later " }))).toBe(
      "busy, try later",
    );
    expect(reasonCell(letter({ errorData: "/wB/" }))).toBe("(not text)");
    expect(reasonCell(letter({}))).toBe("-");
  });

  it("shows a reason that is not text as its size and base64, bytes of data likewise, and when it was replayed", () => {
    const text = describeDeadLetter(
      letter({
        errorData: "/wB/",
        replayedAt: "2026-01-02T00:00:00.000Z",
        event: {
          specversion: "1.0",
          id: "e-1",
          source: "/test",
          type: "dev.meshsix.task.dispatched",
          datacontenttype: "application/octet-stream",
          data_base64: "AAH/",
          knativeerrordata: "/wB/",
        },
      }),
    );
    expect(text).toContain("Dead letter 7 (replayed)\n");
    expect(text).toContain("  failed at:    2026-01-01T00:00:00.000Z, after 3 attempts\n");
    expect(text).toContain("  reason:       not text: 3 bytes, base64 /wB/\n");
    expect(text).toContain("  replayed at:  2026-01-02T00:00:00.000Z\n");
    expect(text).toContain(
      "  datacontenttype:  application/octet-stream\nEvent data:\n  3 bytes, base64 AAH/\n",
    );
    expect(text).not.toContain("knativeerrordata");
  });

  it("says when the subscriber answered without a body", () => {
    expect(describeDeadLetter(letter({}))).toContain("  reason:      none (the response had no body)\n");
  });
});
