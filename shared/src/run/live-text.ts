import type { Clock } from "../ports/clock.ts";

/** One batch of live text: the pieces joined, where it starts in the step's text, its number. */
export interface LivePiece {
  readonly text: string;
  readonly offset: number;
  readonly sequence: number;
}

export interface LiveTextSettings {
  readonly clock: Clock;
  /** Sends one batch; a failure is reported to `onError` and the text goes on. */
  readonly send: (piece: LivePiece) => Promise<void>;
  readonly onError: (error: unknown) => void;
  /** At most one batch per this many milliseconds (the first goes at once); default 100. */
  readonly everyMs?: number;
  /** A batch this long goes at once; default 400 characters. */
  readonly maxChars?: number;
}

export interface LiveText {
  /** Takes one delta of the model's text; never throws, never waits. */
  write(delta: string): void;
  /** Sends what is left and waits for every batch to be sent (or to fail). */
  close(): Promise<void>;
}

/**
 * Batches the text an LLM call writes into pieces sent best-effort: the first delta at
 * once (time to first token), then at most one batch every `everyMs` or whenever
 * `maxChars` have gathered, the rest on `close`. Batches go out one after another, in
 * order; a failed send loses its piece (the step's result still holds the whole text).
 */
export function createLiveText(settings: LiveTextSettings): LiveText {
  const everyMs = settings.everyMs ?? 100;
  const maxChars = settings.maxChars ?? 400;
  let buffer = "";
  let offset = 0;
  let sequence = 0;
  let lastSent: number | undefined;
  let sending: Promise<void> = Promise.resolve();
  let timer: AbortController | undefined;

  const sendBuffer = () => {
    timer?.abort();
    timer = undefined;
    if (buffer === "") return;
    const piece = { text: buffer, offset, sequence };
    offset += buffer.length;
    sequence += 1;
    buffer = "";
    lastSent = settings.clock.now();
    sending = sending.then(() => settings.send(piece)).catch(settings.onError);
  };
  const later = (waitMs: number) => {
    if (timer) return;
    const controller = new AbortController();
    timer = controller;
    settings.clock.sleep(waitMs, controller.signal).then(
      () => {
        if (timer === controller) sendBuffer();
      },
      () => {},
    );
  };

  return {
    write(delta) {
      if (delta === "") return;
      buffer += delta;
      const since = lastSent === undefined ? Number.POSITIVE_INFINITY : settings.clock.now() - lastSent;
      if (since >= everyMs || buffer.length >= maxChars) sendBuffer();
      else later(everyMs - since);
    },
    async close() {
      sendBuffer();
      await sending;
    },
  };
}
