import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { decodeHeaderValue } from "../broker/header-values.ts";
import type { EncodedMessage } from "../broker/http-binding.ts";

/**
 * The extension that carries a mesh function's signature of an event on Knative, so a
 * function can tell an event the mesh sent (delivered by the broker) from one an outsider
 * posted straight to it. The value is `v1=<base64url HMAC-SHA256>` with MESH_EVENT_KEY.
 */
export const signatureExtension = "meshsignature";
const header = `ce-${signatureExtension}`;

/**
 * What is signed, from the binary-mode HTTP message as the receiver sees it: every
 * attribute header (percent-decoded) but the signature itself, `time` (brokers may
 * rewrite its format), the tracing extensions and the `knative*` extensions the broker
 * adds (dead letters), then the Content-Type and the SHA-256 of the body bytes, which
 * the broker keeps as it got them.
 */
function signedText(headers: Headers, body: Uint8Array): string | undefined {
  const lines: string[] = [];
  let broken = false;
  headers.forEach((raw, name) => {
    if (!name.startsWith("ce-") || name === header || skipped.has(name) || name.startsWith("ce-knative"))
      return;
    const value = decodeHeaderValue(raw);
    if (value === undefined) broken = true;
    lines.push(`${name.slice(3)}=${JSON.stringify(value ?? "")}`);
  });
  if (broken) return undefined;
  lines.sort();
  lines.push(`content-type=${JSON.stringify(headers.get("content-type") ?? "")}`);
  lines.push(`body=${createHash("sha256").update(body).digest("hex")}`);
  return `mesh-six event signature v1\n${lines.join("\n")}`;
}

const skipped: ReadonlySet<string> = new Set(["ce-time", "ce-traceparent", "ce-tracestate"]);

function mac(key: string, text: string): Buffer {
  return createHmac("sha256", key).update(text, "utf8").digest();
}

/** The binary-mode message with its signature header set (replacing any it had). */
export function signMessage(key: string, message: EncodedMessage): EncodedMessage {
  const headers = Object.fromEntries(
    Object.entries(message.headers).filter(([name]) => name.toLowerCase() !== header),
  );
  const text = signedText(new Headers(headers), message.body ?? new Uint8Array());
  if (text === undefined) return message;
  return {
    ...message,
    headers: { ...headers, [header]: `v1=${mac(key, text).toString("base64url")}` },
  };
}

/** Undefined when the message carries a valid signature by `key`, else why not. */
export function signatureProblem(key: string, headers: Headers, body: Uint8Array): string | undefined {
  const presented = headers.get(header);
  if (presented === null) {
    return headers.has("ce-specversion")
      ? `it carries no ${signatureExtension} extension`
      : "it is not in binary mode, the only mode mesh functions sign";
  }
  const match = /^v1=([A-Za-z0-9_-]{43})$/.exec(presented.trim());
  const text = signedText(headers, body);
  if (!match || text === undefined) return `its ${signatureExtension} extension is malformed`;
  const expected = mac(key, text);
  const given = Buffer.from(match[1]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return `its ${signatureExtension} does not match the event: it was not signed with this mesh's MESH_EVENT_KEY, or it was changed on the way`;
  }
  return undefined;
}
