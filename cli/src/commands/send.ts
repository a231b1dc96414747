import { type Command, listOption, stringOption, UsageError } from "../command.ts";
import { endpoint, send } from "../http.ts";
import { binaryRequest, buildEvent, knDefaultType } from "../kn/event.ts";
import { cliVersion } from "../version.ts";

/** Where events go by default: the embedded broker's ingress, `/<namespace>/<broker>`. */
export const defaultBrokerPath = "/mesh-six/default";

const sendCommand: Command = {
  name: "send",
  summary: "Build a CloudEvent and send it to the broker, as 'kn event send' does",
  description: [
    "Takes the flags of 'kn event send' (knative kn-plugin-event) and sends the same request:",
    "binary mode, ce-* headers, the data a JSON object built from the fields. --field turns",
    "'true'/'false' into booleans and whole numbers (and six-decimal numbers like 1.500000) into",
    "numbers, exactly as kn does; --raw-field keeps the value as text. A dotted path nests",
    "objects. Prints the id of the accepted event.",
  ].join("\n"),
  options: {
    to: {
      type: "string",
      short: "r",
      placeholder: "url",
      description: `where to send: a URL, or broker:<name> (default: <mesh url>${defaultBrokerPath})`,
    },
    type: {
      type: "string",
      short: "t",
      placeholder: "type",
      description: `event type (default ${knDefaultType})`,
    },
    id: { type: "string", short: "i", placeholder: "id", description: "event id (default: a new UUID)" },
    source: {
      type: "string",
      short: "s",
      placeholder: "uri",
      description: `event source (default mesh/${cliVersion}, as kn uses kn-event/<version>)`,
    },
    field: {
      type: "string",
      short: "f",
      multiple: true,
      placeholder: "path=value",
      description: "a data field, value typed like kn: true/false, numbers, else text",
    },
    "raw-field": {
      type: "string",
      multiple: true,
      placeholder: "path=value",
      description: "a data field whose value stays text",
    },
  },
  examples: [
    "mesh send --type dev.meshsix.task.requested --field capability=general-query --field payload.question=hi",
    "mesh send --to http://localhost:8080/mesh-six/default --field person.age=18 --raw-field person.id=0042",
  ],
  async run(input, io) {
    const target = resolveTarget(stringOption(input, "to"), input.url);
    const event = buildEvent(
      {
        type: stringOption(input, "type"),
        id: stringOption(input, "id"),
        source: stringOption(input, "source"),
        fields: listOption(input, "field"),
        rawFields: listOption(input, "raw-field"),
      },
      {
        defaultSource: `mesh/${cliVersion}`,
        now: () => new Date(io.clock.now()),
        newId: () => crypto.randomUUID(),
      },
    );
    const request = binaryRequest(target, event);
    await send(io, target, { method: request.method, headers: request.headers, body: request.body });
    io.stdout(`${event.id}\n`);
  },
};

/**
 * `--to` as kn reads it, for what a CLI outside the cluster can reach: an absolute http(s) URL,
 * or `broker:<name>` for a broker of the mesh at --url. kn's other references (ksvc:, channel:)
 * need the cluster's API, which only kn has.
 */
export function resolveTarget(to: string | undefined, meshUrl: URL): URL {
  if (to === undefined) return endpoint(meshUrl, defaultBrokerPath);
  const broker = /^broker:([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(to);
  if (broker) return endpoint(meshUrl, `/mesh-six/${broker[1]}`);
  if (/^[a-z]+:[^/]/i.test(to) && !/^https?:/i.test(to)) {
    throw new UsageError(
      `--to '${to}' is a Kubernetes reference; mesh send reaches brokers by URL: give --to http://<host>/<namespace>/<broker> or broker:<name>`,
    );
  }
  const url = URL.canParse(to) ? new URL(to) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host) {
    throw new UsageError(
      `--to '${to}' is not an absolute http(s) URL; give one such as ${endpoint(meshUrl, defaultBrokerPath).href}`,
    );
  }
  return url;
}

export const sendCommands: readonly Command[] = [sendCommand];
