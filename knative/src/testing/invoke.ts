import { randomUUID } from "node:crypto";

/** `kn func invoke`'s default data (knative/func, pkg/functions/invoke.go: DefaultInvokeData). */
export const knInvokeData = '{"message":"Hello World"}';

/** What `kn func invoke` sends by default: an HTTP POST of its data as application/json. */
export function knInvokeHttp(url: string): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: knInvokeData,
  });
}

/**
 * What `kn func invoke --format cloudevent` sends: a binary-mode CloudEvent, by default of
 * type `boson.fn` from `/boson/fn` (DefaultInvokeType, DefaultInvokeSource), unsigned.
 */
export function knInvokeCloudEvent(url: string, type = "boson.fn", data = knInvokeData): Request {
  return new Request(url, {
    method: "POST",
    headers: {
      "ce-specversion": "1.0",
      "ce-id": randomUUID(),
      "ce-source": "/boson/fn",
      "ce-type": type,
      "content-type": "application/json",
    },
    body: data,
  });
}
