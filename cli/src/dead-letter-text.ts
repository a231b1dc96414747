import { contextAttributes } from "@mesh-six/shared/broker/attributes";
import { z } from "zod";

/** A dead letter as GET /dead-letters answers it. */
export const deadLetter = z.object({
  id: z.string(),
  broker: z.string(),
  trigger: z.string().nullable(),
  subscriber: z.string().nullable(),
  event: z.looseObject({ id: z.string(), type: z.string(), source: z.string() }),
  errorCode: z.number().nullable(),
  errorData: z.string().nullable(),
  /** The response body as text, when it is text. */
  errorText: z.string().optional(),
  attempts: z.number(),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
});
export type DeadLetterView = z.output<typeof deadLetter>;

const reasonWidth = 60;

function attributeRank(name: string): number {
  const index = (contextAttributes as readonly string[]).indexOf(name);
  return index === -1 ? contextAttributes.length : index;
}

/** The reason on one line for a table: whitespace runs as one space, cut at 60 characters. */
export function reasonCell(letter: DeadLetterView): string {
  if (letter.errorText === undefined) return letter.errorData ? "(not text)" : "-";
  const line = letter.errorText.replace(/\s+/g, " ").trim();
  if (line === "") return "-";
  return line.length > reasonWidth ? `${line.slice(0, reasonWidth - 1)}…` : line;
}

/** `mesh dead-letters show`: when and where delivery failed, why, and the event itself. */
export function describeDeadLetter(letter: DeadLetterView): string {
  const attempts = `${letter.attempts} attempt${letter.attempts === 1 ? "" : "s"}`;
  const facts: [string, string][] = [
    ["failed at", `${letter.createdAt}, after ${attempts}`],
    ["broker", letter.broker],
    ["trigger", letter.trigger ?? "-"],
    ["subscriber", letter.subscriber ?? "-"],
    ["error code", letter.errorCode === null ? "none" : String(letter.errorCode)],
    ["reason", reason(letter)],
  ];
  if (letter.replayedAt) facts.push(["replayed at", letter.replayedAt]);
  const { data, data_base64: bytes, knativeerrordata: _body, ...attributes } = letter.event;
  return [
    `Dead letter ${letter.id}${letter.replayedAt ? " (replayed)" : " (not replayed)"}`,
    ...aligned(facts),
    "Event attributes:",
    ...aligned(
      Object.entries(attributes)
        .sort(
          ([first], [second]) => attributeRank(first) - attributeRank(second) || first.localeCompare(second),
        )
        .map(([name, value]) => [name, String(value)]),
    ),
    "Event data:",
    `  ${eventData(data, bytes).replace(/\n/g, "\n  ")}`,
    "",
  ].join("\n");
}

function reason(letter: DeadLetterView): string {
  if (letter.errorText !== undefined) return letter.errorText;
  if (letter.errorData) {
    const size = Buffer.from(letter.errorData, "base64").length;
    return `not text: ${size} bytes, base64 ${letter.errorData}`;
  }
  return letter.errorCode === null
    ? "none recorded (a timeout or a connection error)"
    : "none (the response had no body)";
}

function eventData(data: unknown, bytes: unknown): string {
  if (typeof bytes === "string") return `${Buffer.from(bytes, "base64").length} bytes, base64 ${bytes}`;
  if (data === undefined) return "(none)";
  return typeof data === "string" ? data : JSON.stringify(data, null, 2);
}

/** `  name:  value` lines with the values in one column; a value's further lines under its first. */
function aligned(entries: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...entries.map(([name]) => name.length)) + 1;
  return entries.map(([name, value]) => {
    const label = `  ${`${name}:`.padEnd(width)}  `;
    return label + value.replace(/\r?\n/g, `\n${" ".repeat(label.length)}`);
  });
}
