import { UsageError } from "../command.ts";
import { buildData } from "./fields.ts";
import { goJson } from "./go-json.ts";
import { uriReferenceProblem } from "./uri-reference.ts";

/** kn's default event type (kn-plugin-event pkg/event/constants.go). */
export const knDefaultType = "dev.knative.cli.plugin.event.generic";

/** The flags `kn event send` builds an event from. */
export interface EventFlags {
  readonly type?: string | undefined;
  readonly id?: string | undefined;
  readonly source?: string | undefined;
  readonly fields?: readonly string[];
  readonly rawFields?: readonly string[];
}

export interface BuiltEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: Date;
  readonly data: Record<string, unknown>;
}

/** What goes over the wire: a binary-mode CloudEvents HTTP request. */
export interface BinaryRequest {
  readonly method: "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface BuildSettings {
  /** The default `--source`: kn uses "<plugin>/<version>" (`kn-event/v1.x`); we use `mesh/<version>`. */
  readonly defaultSource: string;
  readonly now: () => Date;
  readonly newId: () => string;
}

/**
 * The event kn builds (pkg/cli/create.go, pkg/event/create.go): the given type, id and source,
 * `time` now, datacontenttype application/json, and the fields as a JSON object. Like the
 * CloudEvents Go client kn sends with, an empty id gets a new UUID, and an id, type or source
 * that is blank is refused; so is a source that is not a URI reference (the spec's requirement,
 * which the Go client checks only loosely).
 */
export function buildEvent(flags: EventFlags, settings: BuildSettings): BuiltEvent {
  const id = flags.id === "" || flags.id === undefined ? settings.newId() : flags.id;
  const type = flags.type ?? knDefaultType;
  const source = flags.source ?? settings.defaultSource;
  required("id", id, "a unique id such as order-42, or leave --id out for a new UUID");
  required("type", type, `a type such as dev.meshsix.task.requested (kn's default is ${knDefaultType})`);
  required("source", source, "a URI reference such as /my/tool");
  const problem = uriReferenceProblem(source);
  if (problem !== undefined) {
    throw new UsageError(
      `--source '${source}' is not a URI reference: ${problem}; give one such as /my/tool`,
    );
  }
  return {
    id,
    type,
    source,
    time: settings.now(),
    data: buildData(flags.fields ?? [], flags.rawFields ?? []),
  };
}

function required(flag: string, value: string, hint: string): void {
  if (value.trim() === "") throw new UsageError(`--${flag} must not be blank; give ${hint}`);
  // Go's net/http refuses header values with control characters (a tab aside)
  const control = [...value].find((char) => (char < " " && char !== "\t") || char === "\u007f");
  if (control !== undefined) {
    const code = `U+${control.charCodeAt(0).toString(16).padStart(4, "0")}`;
    throw new UsageError(
      `--${flag} contains the control character ${code}, which no HTTP header can carry; give ${hint}`,
    );
  }
}

/**
 * The request the CloudEvents Go SDK (v2, binary mode, the default of the client kn uses) sends:
 * POST, `ce-specversion: 1.0`, `ce-id`, `ce-source`, `ce-type`, `ce-time` (RFC 3339 in UTC with
 * the fraction's trailing zeros dropped, Go's RFC3339Nano), `content-type: application/json`,
 * and the data as Go's encoding/json writes it. Header values go out as their UTF-8 bytes, as Go
 * writes them.
 */
export function binaryRequest(target: URL, event: BuiltEvent): BinaryRequest {
  return {
    method: "POST",
    url: target.href,
    headers: {
      "ce-specversion": "1.0",
      "ce-id": utf8Bytes(event.id),
      "ce-source": utf8Bytes(event.source),
      "ce-type": utf8Bytes(event.type),
      "ce-time": rfc3339Nano(event.time),
      "content-type": "application/json",
    },
    body: goJson(event.data),
  };
}

/** Go's time.RFC3339Nano of a UTC time: no trailing zeros in the fraction, no fraction when zero. */
export function rfc3339Nano(time: Date): string {
  return time
    .toISOString()
    .replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits ? `.${digits}Z` : "Z"));
}

/** A header value fetch sends byte for byte: each UTF-8 byte of `text` as one Latin-1 character. */
function utf8Bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}
