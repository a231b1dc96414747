import { createHmac, randomUUID } from "node:crypto";
import type { GiteaPayload } from "./gitea-payloads.ts";

export interface DeliveryOptions {
  /** The payload: its JSON text or bytes, sent as they are. */
  readonly body: string | Uint8Array;
  /** The webhook's secret; an unsigned delivery without one. */
  readonly secret?: string;
  /** The delivery id; a new GUID when omitted. */
  readonly id?: string;
  /** `form` sends `payload=<the JSON>` as application/x-www-form-urlencoded. */
  readonly contentType?: "json" | "form";
  /** Where the receiver is; `http://mesh.test` (an embedded host's fetch) when omitted. */
  readonly baseUrl?: string;
  /** Headers to add or replace (a wrong signature, a missing one: set it to ""). */
  readonly headers?: Readonly<Record<string, string>>;
}

const hmac = (algorithm: "sha1" | "sha256", secret: string, bytes: Uint8Array) =>
  createHmac(algorithm, secret).update(bytes).digest("hex");

const bytesOf = (body: string | Uint8Array) =>
  typeof body === "string" ? new TextEncoder().encode(body) : body;

/** Go's url.QueryEscape, as Gitea's url.Values.Encode writes the form (spaces as +). */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

function request(
  path: string,
  options: Pick<DeliveryOptions, "baseUrl" | "headers">,
  body: Uint8Array,
  headers: Record<string, string>,
) {
  const all: Record<string, string> = { ...headers, ...options.headers };
  for (const [name, value] of Object.entries(all)) if (value === "") delete all[name];
  return new Request(`${options.baseUrl ?? "http://mesh.test"}${path}`, {
    method: "POST",
    headers: all,
    body,
  });
}

/**
 * A GitHub delivery as GitHub sends it (docs.github.com, "Webhook events and payloads",
 * Delivery headers): X-GitHub-Event, X-GitHub-Delivery, X-GitHub-Hook-ID, and with a
 * secret X-Hub-Signature-256 (and the legacy SHA-1 X-Hub-Signature) over the body as sent,
 * the form-encoded body for `form`.
 */
export function githubDelivery(event: string, options: DeliveryOptions): Request {
  const json = bytesOf(options.body);
  const body =
    options.contentType === "form"
      ? new TextEncoder().encode(`payload=${queryEscape(new TextDecoder().decode(json))}`)
      : json;
  const signature: Record<string, string> = options.secret
    ? {
        "x-hub-signature": `sha1=${hmac("sha1", options.secret, body)}`,
        "x-hub-signature-256": `sha256=${hmac("sha256", options.secret, body)}`,
      }
    : {};
  return request("/webhooks/github", options, body, {
    "user-agent": "GitHub-Hookshot/6e5bba2",
    "content-type": options.contentType === "form" ? "application/x-www-form-urlencoded" : "application/json",
    "x-github-event": event,
    "x-github-delivery": options.id ?? randomUUID(),
    "x-github-hook-id": "109948940",
    "x-github-hook-installation-target-type": "repository",
    "x-github-hook-installation-target-id": "118",
    ...signature,
  });
}

/**
 * A Gitea delivery as services/webhook/deliver.go (addDefaultHeaders) sends it: the
 * X-Gitea-*, X-Gogs-* and GitHub-compatible headers, each signature the HMAC of the JSON
 * payload, which for `form` is the `payload` field, not the form body.
 */
export function giteaDelivery(
  payload: GiteaPayload,
  options: Omit<DeliveryOptions, "body"> & { readonly body?: string | Uint8Array },
): Request {
  const json = bytesOf(options.body ?? payload.body);
  const body =
    options.contentType === "form"
      ? new TextEncoder().encode(`payload=${queryEscape(new TextDecoder().decode(json))}`)
      : json;
  const id = options.id ?? randomUUID();
  const sha256 = options.secret ? hmac("sha256", options.secret, json) : "";
  const sha1 = options.secret ? hmac("sha1", options.secret, json) : "";
  return request("/webhooks/gitea", options, body, {
    "user-agent": "Go-http-client/1.1",
    "content-type": options.contentType === "form" ? "application/x-www-form-urlencoded" : "application/json",
    "x-gitea-delivery": id,
    "x-gitea-event": payload.event,
    "x-gitea-event-type": payload.eventType,
    "x-gitea-signature": sha256,
    "x-gogs-delivery": id,
    "x-gogs-event": payload.event,
    "x-gogs-event-type": payload.eventType,
    "x-gogs-signature": sha256,
    "x-hub-signature": options.secret ? `sha1=${sha1}` : "",
    "x-hub-signature-256": options.secret ? `sha256=${sha256}` : "",
    "x-github-delivery": id,
    "x-github-event": payload.event,
    "x-github-event-type": payload.eventType,
  });
}
