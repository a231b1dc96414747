import type { AgentCard, Message, Part } from "@a2a-js/sdk";

/** The media types a message's parts are read as, and the ones a task's artifact is written in. */
export interface Modes {
  readonly input: readonly string[];
  readonly output: readonly string[];
}

/**
 * The modes of the skill a message goes to (the capability it names), else the card's
 * defaults: the spec lets a skill narrow what the agent as a whole takes and gives.
 */
export function modesOf(card: AgentCard, capability: string): Modes {
  const skill = card.skills.find((each) => each.id === capability);
  return {
    input: skill && skill.inputModes.length > 0 ? skill.inputModes : card.defaultInputModes,
    output: skill && skill.outputModes.length > 0 ? skill.outputModes : card.defaultOutputModes,
  };
}

/** A media type without its parameters, lowercased: `Text/Plain; charset=utf-8` is `text/plain`. */
const bare = (type: string) => (type.split(";")[0] ?? "").trim().toLowerCase();

/** Whether `pattern` (`text/plain`, `text/*`, `*\/*`) covers `type`. */
function covers(pattern: string, type: string): boolean {
  const [wantedMain, wantedSub] = bare(pattern).split("/");
  const [main, sub] = bare(type).split("/");
  return (wantedMain === "*" || wantedMain === main) && (wantedSub === "*" || wantedSub === sub);
}

/** What a part is, as a media type: its own `mediaType`, else text/plain for text and application/json for data. */
function typeOf(part: Part): string {
  if (part.mediaType) return part.mediaType;
  return part.content?.$case === "data" ? "application/json" : "text/plain";
}

/**
 * Why a message cannot be taken for its media types (ContentTypeNotSupported, -32005), or
 * undefined: a part whose media type the skill does not take, any file part (url, raw: no
 * agent reads files yet, whatever their type), or `acceptedOutputModes` that name none of
 * the types the artifact is written in. The words match the spec's "Incompatible content
 * types" so a client (and the a2a-tck) can tell it from other refusals.
 */
export function contentTypeProblem(
  message: Message,
  acceptedOutputModes: readonly string[],
  modes: Modes,
): string | undefined {
  for (const [index, part] of message.parts.entries()) {
    const kind = part.content?.$case;
    if (kind === "url" || kind === "raw") {
      return `Incompatible content types: parts[${index}] is a file part (${part.mediaType || "no media type"}), and file parts are not supported here; send text or data parts (${modes.input.join(", ")})`;
    }
    const type = typeOf(part);
    if (!modes.input.some((mode) => covers(mode, type))) {
      return `Incompatible content types: parts[${index}] has media type '${type}', which is not supported here; this skill takes ${modes.input.join(", ")}`;
    }
  }
  const accepted = acceptedOutputModes.filter((mode) => mode.trim() !== "");
  if (accepted.length > 0 && !accepted.some((wanted) => modes.output.some((mode) => covers(wanted, mode)))) {
    return `Incompatible content types: acceptedOutputModes (${accepted.join(", ")}) names none of the media types this skill answers in (${modes.output.join(", ")}): those are not supported here; accept one of those, or leave acceptedOutputModes out`;
  }
  return undefined;
}
