import { z } from "zod";
import { booleanOption, type Command, countOption, UsageError } from "../command.ts";
import { deadLetter, describeDeadLetter, reasonCell } from "../dead-letter-text.ts";
import { endpoint, sendForJson } from "../http.ts";
import { formatTable } from "../table.ts";

const listCommand: Command = {
  name: "dead-letters list",
  summary: "List the events that could not be delivered",
  description: [
    "Newest first: id, when, trigger, the subscriber's error code, event type, event id and the",
    "reason (the subscriber's response, on one line and cut short; 'mesh dead-letters show' has it whole).",
  ].join("\n"),
  options: {
    limit: {
      type: "string",
      short: "n",
      placeholder: "count",
      description: "at most this many (default 50)",
    },
    all: { type: "boolean", short: "a", description: "include those already replayed" },
  },
  async run(input, io) {
    const all = booleanOption(input, "all");
    const url = endpoint(input.url, "/dead-letters", {
      limit: countOption(input, "limit", 50),
      ...(all ? { includeReplayed: "true" } : {}),
    });
    const { deadLetters } = await sendForJson(io, url, z.object({ deadLetters: z.array(deadLetter) }));
    if (deadLetters.length === 0) {
      io.stdout(all ? "No dead letters.\n" : "No dead letters waiting (--all shows replayed ones).\n");
      return;
    }
    const header = [
      "ID",
      "WHEN",
      "TRIGGER",
      "CODE",
      "TYPE",
      "EVENT ID",
      ...(all ? ["REPLAYED"] : []),
      "REASON",
    ];
    const rows = deadLetters.map((letter) => [
      letter.id,
      letter.createdAt,
      letter.trigger ?? "-",
      letter.errorCode === null ? "-" : String(letter.errorCode),
      letter.event.type,
      letter.event.id,
      ...(all ? [letter.replayedAt ?? "-"] : []),
      reasonCell(letter),
    ]);
    io.stdout(formatTable(header, rows));
  },
};

const showCommand: Command = {
  name: "dead-letters show",
  summary: "Show one dead letter: when and where delivery failed, why, and the event",
  description: [
    "Prints when delivery failed and after how many attempts, the broker, trigger and subscriber,",
    "the subscriber's error code and its response as text (the reason), then the event's",
    "attributes and data.",
  ].join("\n"),
  options: { json: { type: "boolean", description: "print the dead letter as JSON" } },
  positionals: [{ name: "id", description: "the dead letter's id, from 'mesh dead-letters list'" }],
  examples: ["mesh dead-letters show 42"],
  async run(input, io) {
    const id = deadLetterId(input.positionals[0]!);
    const url = endpoint(input.url, `/dead-letters/${id}`);
    const { deadLetter: letter } = await sendForJson(io, url, z.object({ deadLetter }));
    io.stdout(
      booleanOption(input, "json") ? `${JSON.stringify(letter, null, 2)}\n` : describeDeadLetter(letter),
    );
  },
};

const replayCommand: Command = {
  name: "dead-letters replay",
  summary: "Publish a dead letter's event to the broker again",
  description:
    "A dead letter is replayed once; replaying one that was replayed already needs --again (the mesh answers 409 otherwise).",
  options: {
    again: { type: "boolean", description: "replay it even though it was replayed before" },
  },
  positionals: [{ name: "id", description: "the dead letter's id, from 'mesh dead-letters list'" }],
  examples: ["mesh dead-letters replay 42", "mesh dead-letters replay 42 --again"],
  async run(input, io) {
    const id = deadLetterId(input.positionals[0]!);
    const again = booleanOption(input, "again") ? { again: "true" } : {};
    const url = endpoint(input.url, `/dead-letters/${id}/replay`, again);
    const { deadLetter: letter } = await sendForJson(io, url, z.object({ deadLetter }), { method: "POST" });
    io.stdout(
      `Replayed dead letter ${letter.id}: event ${letter.event.id} (${letter.event.type}) is on the broker again.\n`,
    );
  },
};

function deadLetterId(id: string): string {
  if (!/^[1-9]\d*$/.test(id)) {
    throw new UsageError(
      `<id> must be a dead-letter id, a whole number as 'mesh dead-letters list' shows (got '${id}')`,
    );
  }
  return id;
}

export const deadLetterCommands: readonly Command[] = [listCommand, showCommand, replayCommand];
