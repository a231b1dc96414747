import type {
  LanguageModelV4FunctionTool,
  LanguageModelV4Prompt,
  LanguageModelV4ToolChoice,
} from "@ai-sdk/provider";

/**
 * The rules the offline model answers tool calls and structured output by: no
 * intelligence, only what can be read off the prompt, the same every time.
 */

type Schema = Readonly<Record<string, unknown>>;

/** Fields that take the user's own words when the prompt gives them no value. */
const textFields = new Set([
  "query",
  "question",
  "prompt",
  "text",
  "q",
  "input",
  "topic",
  "search",
  "message",
  "goal",
  "task",
  "request",
]);

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string }) => (part.type === "text" ? (part.text ?? "") : ""))
    .join("");
}

export function lastUserText(prompt: LanguageModelV4Prompt): string {
  const user = prompt.findLast((message) => message.role === "user");
  return user ? partsText(user.content) : "";
}

export function allText(prompt: LanguageModelV4Prompt): string {
  return prompt.map((message) => partsText(message.content)).join("\n");
}

/** The tool results since the last user message, in order. */
export function recentToolResults(prompt: LanguageModelV4Prompt): { toolName: string; value: unknown }[] {
  const lastUser = prompt.findLastIndex((message) => message.role === "user");
  const results: { toolName: string; value: unknown }[] = [];
  for (const message of prompt.slice(lastUser + 1)) {
    if (message.role !== "tool") continue;
    for (const part of message.content) {
      if (part.type !== "tool-result") continue;
      const output = part.output as { type: string; value?: unknown; reason?: string };
      results.push({
        toolName: part.toolName,
        value:
          output.type === "execution-denied" ? { denied: output.reason ?? "not approved" } : output.value,
      });
    }
  }
  return results;
}

function calledSinceLastUser(prompt: LanguageModelV4Prompt): Set<string> {
  const lastUser = prompt.findLastIndex((message) => message.role === "user");
  const called = new Set<string>();
  for (const message of prompt.slice(lastUser + 1)) {
    if (message.role !== "assistant") continue;
    for (const part of message.content) if (part.type === "tool-call") called.add(part.toolName);
  }
  return called;
}

const normalized = (text: string) => text.toLowerCase().replace(/[-_]+/g, " ");

/**
 * The tools to call now: those the user's last message names (in the order it names
 * them) that were not called since; with `required`, the first tool when none is named.
 * Each call's input is made from the tool's schema and the message (see `exampleOf`).
 */
export function chooseToolCalls(
  prompt: LanguageModelV4Prompt,
  tools: readonly LanguageModelV4FunctionTool[],
  choice: LanguageModelV4ToolChoice | undefined,
  label = "[offline model]",
): { toolName: string; input: unknown }[] {
  if (choice?.type === "none" || tools.length === 0) return [];
  const text = lastUserText(prompt);
  const called = calledSinceLastUser(prompt);
  const said = normalized(text);
  let chosen = tools
    .map((tool) => ({ tool, at: said.indexOf(normalized(tool.name)) }))
    .filter((entry) => entry.at >= 0 && !called.has(entry.tool.name))
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.tool);
  if (choice?.type === "tool")
    chosen = tools.filter((tool) => tool.name === choice.toolName && !called.has(tool.name));
  if (chosen.length === 0 && choice?.type === "required" && called.size === 0) chosen = tools.slice(0, 1);
  return chosen.map((tool) => ({
    toolName: tool.name,
    input: exampleOf(tool.inputSchema as Schema, { text, label }),
  }));
}

interface Hints {
  /** The user's words. */
  readonly text: string;
  /** Put before made-up strings; the first free string of a structured answer gets `answer` instead. */
  readonly label: string;
  answer?: string;
}

/** `name=value` or `name: value` in the text, up to a comma, semicolon or line end. */
function stated(text: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`\\b${escaped}\\s*[=:]\\s*("([^"]*)"|[^,;\\n]+)`, "i").exec(text);
  if (!match) return undefined;
  return (match[2] ?? match[1] ?? "").trim();
}

/**
 * A value matching a JSON Schema, made from the hints alone: a value the text states for
 * the field (`name=value`), the user's words for text-like fields, else the smallest
 * value the schema allows (strings labelled as the offline model's), the same every time.
 */
export function exampleOf(schema: Schema | undefined, hints: Hints, name = ""): unknown {
  if (!schema || typeof schema !== "object") return null;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const given = name ? stated(hints.text, name) : undefined;
    return schema.enum.find((value) => String(value) === given) ?? schema.enum[0];
  }
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const concrete =
        (options as Schema[]).find((option) => option.type !== "null") ?? (options[0] as Schema);
      return exampleOf(concrete, hints, name);
    }
  }
  const type = Array.isArray(schema.type)
    ? (schema.type.find((each) => each !== "null") ?? "null")
    : schema.type;
  const given = name ? stated(hints.text, name) : undefined;
  switch (type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      // the required fields, and the optional ones the text states a value for (`namespace=shop`)
      const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
      const keys = Object.keys(properties).filter(
        (key) => required.has(key) || stated(hints.text, key) !== undefined,
      );
      return Object.fromEntries(keys.map((key) => [key, exampleOf(properties[key], hints, key)]));
    }
    case "array": {
      const count = typeof schema.minItems === "number" ? schema.minItems : 0;
      return Array.from({ length: count }, (_, index) =>
        exampleOf(schema.items as Schema, hints, `${name}${index + 1}`),
      );
    }
    case "integer":
    case "number": {
      const minimum = typeof schema.minimum === "number" ? schema.minimum : undefined;
      const maximum = typeof schema.maximum === "number" ? schema.maximum : undefined;
      let value = given !== undefined && Number.isFinite(Number(given)) ? Number(given) : (minimum ?? 0);
      if (maximum !== undefined && value > maximum) value = maximum;
      if (minimum !== undefined && value < minimum) value = minimum;
      return type === "integer" ? Math.round(value) : value;
    }
    case "boolean":
      return given === undefined ? false : /^(true|yes|1)$/i.test(given);
    case "null":
      return null;
    default:
      return fitLength(schema, stringFor(schema, hints, name, given));
  }
}

function stringFor(schema: Schema, hints: Hints, name: string, given: string | undefined): string {
  if (given !== undefined) return given;
  if (textFields.has(name.toLowerCase()) && hints.text.trim() !== "") return hints.text.trim();
  if (schema.format === "date-time") return "2026-01-01T00:00:00.000Z";
  if (schema.format === "date") return "2026-01-01";
  if (schema.format === "uri" || schema.format === "url") return "https://example.invalid/offline";
  if (schema.format === "email") return "offline@example.invalid";
  if (hints.answer !== undefined) {
    const answer = hints.answer;
    hints.answer = undefined;
    return answer;
  }
  return `${hints.label} ${name || "text"}`.trim();
}

function fitLength(schema: Schema, text: string): string {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  const padded = text.length < min ? text.padEnd(min, ".") : text;
  return padded.length > max ? padded.slice(0, max) : padded;
}
