import type { ConversationMessage, ExtractedFact, MemoryKind } from "./port.ts";

interface Rule {
  readonly pattern: RegExp;
  readonly kind: MemoryKind;
  /** The fact in the third person, from the rest of the sentence. */
  readonly fact: (rest: string, match: RegExpMatchArray) => string;
}

// Each pattern matches the start of a sentence; the rest of the sentence follows it.
const rules: readonly Rule[] = [
  { pattern: /^my name is\s+/i, kind: "profile", fact: (rest) => `The user's name is ${rest}` },
  { pattern: /^(?:i am|i'm)\s+called\s+/i, kind: "profile", fact: (rest) => `The user's name is ${rest}` },
  { pattern: /^call me\s+/i, kind: "profile", fact: (rest) => `The user wants to be called ${rest}` },
  {
    pattern: /^i\s+(?:really\s+)?(prefer|like|love|enjoy|hate|dislike|want|need)\s+/i,
    kind: "preference",
    fact: (rest, match) => `The user ${thirdPerson(match[1]!)} ${rest}`,
  },
  {
    pattern: /^i\s+(?:do not|don't)\s+(like|want|use|need|enjoy)\s+/i,
    kind: "preference",
    fact: (rest, match) => `The user does not ${match[1]!.toLowerCase()} ${rest}`,
  },
  {
    pattern: /^please\s+(?:always\s+)?/i,
    kind: "preference",
    fact: (rest) => `The user asks the assistant to ${rest}`,
  },
  {
    pattern: /^i\s+(work|live|use|run|manage|maintain|own|study|speak|write|deploy)\s+/i,
    kind: "profile",
    fact: (rest, match) => `The user ${thirdPerson(match[1]!)} ${rest}`,
  },
  {
    pattern: /^(?:i am|i'm)\s+(?!not\b|sure\b|wondering\b|curious\b|asking\b|trying\b|looking\b)/i,
    kind: "profile",
    fact: (rest) => `The user is ${rest}`,
  },
  {
    pattern: /^my\s+([\w -]{1,40}?)\s+(is|are)\s+/i,
    kind: "profile",
    fact: (rest, match) => `The user's ${match[1]} ${match[2]} ${rest}`,
  },
];

/**
 * The offline model's extraction: first-person statements of the user's messages that say
 * something lasting ("I prefer …", "I like …", "My name is …", "I work …", "I'm a …",
 * "My timezone is …"), turned into standalone third-person facts. Questions and the
 * assistant's answers are left out.
 */
export function extractByRules(conversation: readonly ConversationMessage[], max = 5): ExtractedFact[] {
  const facts: ExtractedFact[] = [];
  for (const message of conversation) {
    if (message.role !== "user") continue;
    for (const sentence of sentencesOf(message.content)) {
      const fact = factOf(sentence);
      if (fact && !facts.some((known) => known.content === fact.content)) facts.push(fact);
      if (facts.length >= max) return facts;
    }
  }
  return facts;
}

function factOf(sentence: string): ExtractedFact | undefined {
  if (sentence.endsWith("?")) return undefined;
  const text = sentence.replace(/[.!]+$/, "").trim();
  for (const rule of rules) {
    const match = text.match(rule.pattern);
    if (!match) continue;
    const rest = reflect(text.slice(match[0].length).trim());
    if (rest === "") return undefined;
    return { content: `${rule.fact(rest, match)}.`, kind: rule.kind };
  }
  return undefined;
}

/** Sentences of a message, split after . ! ? and at line breaks. */
function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== "");
}

const irregular: Readonly<Record<string, string>> = { have: "has", do: "does", go: "goes" };

function thirdPerson(verb: string): string {
  const lower = verb.toLowerCase();
  if (irregular[lower]) return irregular[lower];
  if (/(?:s|sh|ch|x|z|o)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

const reflections: Readonly<Record<string, string>> = {
  i: "they",
  "i'm": "they are",
  me: "them",
  my: "their",
  mine: "theirs",
  myself: "themselves",
  am: "are",
};

/** "my answers short and me informed" → "their answers short and them informed". */
function reflect(text: string): string {
  return text.replace(
    /\b(?:i'm|i|me|my|mine|myself|am)\b/gi,
    (word) => reflections[word.toLowerCase()] ?? word,
  );
}
