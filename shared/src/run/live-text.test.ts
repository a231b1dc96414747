import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { createLiveText, type LivePiece } from "./live-text.ts";

describe("live text", () => {
  const setup = (send?: (piece: LivePiece) => Promise<void>) => {
    const clock = createManualClock();
    const sent: LivePiece[] = [];
    const errors: unknown[] = [];
    const live = createLiveText({
      clock,
      everyMs: 100,
      maxChars: 10,
      send: send ?? (async (piece) => void sent.push(piece)),
      onError: (error) => void errors.push(error),
    });
    return { clock, sent, errors, live };
  };

  it("sends the first delta at once, then at most one batch per interval, the rest on close", async () => {
    const { clock, sent, live } = setup();
    live.write("Once ");
    live.write("upon ");
    live.write("a ");
    await Promise.resolve();
    expect(sent.map((piece) => piece.text)).toEqual(["Once "]);
    await clock.advance(100);
    expect(sent.map((piece) => piece.text)).toEqual(["Once ", "upon a "]);
    live.write("time.");
    await live.close();
    expect(sent).toEqual([
      { text: "Once ", offset: 0, sequence: 0 },
      { text: "upon a ", offset: 5, sequence: 1 },
      { text: "time.", offset: 12, sequence: 2 },
    ]);
    expect(clock.pending).toBe(0);
  });

  it("sends a batch that reaches maxChars at once", async () => {
    const { sent, live } = setup();
    live.write("a");
    live.write("0123456789");
    await live.close();
    expect(sent.map((piece) => piece.text)).toEqual(["a", "0123456789"]);
  });

  it("loses a piece whose send fails, reports it, and goes on", async () => {
    let calls = 0;
    const sent: string[] = [];
    const { live, errors } = setup(async (piece) => {
      calls += 1;
      if (calls === 1) throw new Error("broker down");
      sent.push(piece.text);
    });
    live.write("lost ");
    live.write("kept");
    await live.close();
    expect(sent).toEqual(["kept"]);
    expect(errors).toHaveLength(1);
  });
});
