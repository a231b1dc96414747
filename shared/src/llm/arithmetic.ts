/**
 * Finds and evaluates a simple arithmetic expression in a question ("What is 2+2?",
 * "what's 12 x (3 + 4)"): numbers, + - * / ^, parentheses. Never evaluates code.
 */
export function answerArithmetic(question: string): { expression: string; value: number } | undefined {
  const normalised = question
    .replace(/(\d)\s*[x×]\s*(?=[\d(])/gi, "$1 * ")
    .replace(/÷/g, "/")
    .replace(/\*\*/g, "^");
  const pieces = normalised.match(/[-+*/^().\d\s]+/g) ?? [];
  const candidates = pieces
    .map((piece) => piece.trim())
    .filter((piece) => /\d/.test(piece) && /\d\s*\)*\s*[-+*/^]\s*\(*\s*-?\d/.test(piece))
    .sort((a, b) => b.length - a.length);
  for (const expression of candidates) {
    const value = evaluate(expression);
    if (value !== undefined) return { expression, value };
  }
  return undefined;
}

type Token = { kind: "number"; value: number } | { kind: "operator"; value: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  const pattern = /\s*(\d+(?:\.\d+)?|\.\d+|[-+*/^()])/y;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match) return text.slice(position).trim() === "" ? tokens : undefined;
    const value = match[1]!;
    tokens.push(
      /[\d.]/.test(value[0]!) ? { kind: "number", value: Number(value) } : { kind: "operator", value },
    );
    position = pattern.lastIndex;
  }
  return tokens;
}

/** Recursive descent: sum := product (± product)*, product := power (*|/ power)*, power := unary (^ power)? */
function evaluate(text: string): number | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  let index = 0;
  const peek = () => tokens[index];
  const take = (operator: string) => {
    const token = peek();
    if (token?.kind === "operator" && token.value === operator) {
      index += 1;
      return true;
    }
    return false;
  };
  const sum = (): number | undefined => {
    let value = product();
    for (;;) {
      if (value === undefined) return undefined;
      if (take("+")) value = add(value, product());
      else if (take("-")) value = add(value, negate(product()));
      else return value;
    }
  };
  const product = (): number | undefined => {
    let value = power();
    for (;;) {
      if (value === undefined) return undefined;
      if (take("*")) value = multiply(value, power());
      else if (take("/")) value = divide(value, power());
      else return value;
    }
  };
  const power = (): number | undefined => {
    const base = unary();
    if (base === undefined || !take("^")) return base;
    const exponent = power();
    return exponent === undefined ? undefined : base ** exponent;
  };
  const unary = (): number | undefined => {
    if (take("-")) return negate(unary());
    if (take("+")) return unary();
    if (take("(")) {
      const value = sum();
      return take(")") ? value : undefined;
    }
    const token = peek();
    if (token?.kind !== "number") return undefined;
    index += 1;
    return token.value;
  };
  const value = sum();
  return index === tokens.length && value !== undefined && Number.isFinite(value) ? value : undefined;
}

const add = (a: number, b: number | undefined) => (b === undefined ? undefined : a + b);
const negate = (a: number | undefined) => (a === undefined ? undefined : -a);
const multiply = (a: number, b: number | undefined) => (b === undefined ? undefined : a * b);
const divide = (a: number, b: number | undefined) => (b === undefined || b === 0 ? undefined : a / b);

/** 4, 0.5, 0.3333333333: integers as they are, others to 10 significant digits. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(10)));
}
