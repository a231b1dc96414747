import type { MeshEvent } from "@mesh-six/events";
import { memberName } from "@mesh-six/events";
import { textProblem } from "@mesh-six/shared/validate/text";
import { actionOf, sourceOf, subjectOf } from "./attributes.ts";
import type { Provider } from "./providers.ts";

/** What the headers of a signed delivery say: which event, which delivery, and extensions. */
export interface DeliveryHeaders {
  /** The event name as sent (X-GitHub-Event, X-Gitea-Event). */
  readonly name: string;
  readonly id: string;
  readonly extensions: Readonly<Record<string, string>>;
}

const maxNameLength = 100;
const maxIdLength = 200;
const maxExtensionLength = 200;

/** The delivery's event name, id and extra headers, or why they cannot be taken (a 400). */
export function readHeaders(provider: Provider, headers: Headers): DeliveryHeaders | string {
  const eventHeader = provider.eventHeaders.find((header) => (headers.get(header) ?? "").trim() !== "");
  const name = eventHeader ? headers.get(eventHeader)!.trim() : undefined;
  const names = provider.eventHeaders.join(" or ");
  if (name === undefined) return `the delivery has no ${names} header naming its event`;
  if (name.length > maxNameLength) {
    return `${eventHeader} is ${name.length} characters long, over the limit of ${maxNameLength}`;
  }
  if (memberName(name) === undefined)
    return `${eventHeader} (${JSON.stringify(name)}) has no letter or digit`;
  const id = headers.get(provider.deliveryHeader)?.trim() ?? "";
  if (id === "") {
    return `the delivery has no ${provider.deliveryHeader} header; its id is what makes a redelivery change nothing`;
  }
  if (id.length > maxIdLength || !/^[\x21-\x7e]+$/.test(id)) {
    return `${provider.deliveryHeader} must be 1 to ${maxIdLength} visible ASCII characters (${provider.title} sends a GUID)`;
  }
  const extensions: Record<string, string> = {};
  for (const [header, extension] of Object.entries(provider.extensions)) {
    const value = headers.get(header)?.trim();
    if (!value) continue;
    if (value.length > maxExtensionLength || textProblem(value)) {
      return `${header} must be at most ${maxExtensionLength} characters of text`;
    }
    extensions[extension] = value;
  }
  return { name, id, extensions };
}

/** The CloudEvent for a delivery; `data` is the payload's bytes, or where they are stored. */
export function deliveryEvent(
  provider: Provider,
  headers: DeliveryHeaders,
  payload: Readonly<Record<string, unknown>>,
  data: { readonly bytes: Uint8Array; readonly stored: boolean },
  time: number,
): MeshEvent {
  const subject = subjectOf(payload);
  const action = actionOf(payload);
  return {
    specversion: "1.0",
    id: headers.id,
    source: sourceOf(provider, payload),
    type: provider.family.typeOf(headers.name),
    time: new Date(time).toISOString(),
    datacontenttype: "application/json",
    ...(subject === undefined ? {} : { subject }),
    ...(action === undefined ? {} : { meshaction: action }),
    ...headers.extensions,
    ...(data.stored ? { meshpayload: "stored" } : {}),
    data: data.bytes,
  } as MeshEvent;
}
