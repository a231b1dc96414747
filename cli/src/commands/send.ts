import { type Command, listOption, stringOption, UsageError } from "../command.ts";
import { endpoint, send } from "../http.ts";
import { binaryRequest, buildEvent, knDefaultType } from "../kn/event.ts";
import { cliVersion } from "../version.ts";

/** The namespace of a broker given by name, unless --namespace says otherwise. */
export const defaultNamespace = "mesh-six";
/** Where events go by default: the embedded broker's ingress, `/<namespace>/<broker>`. */
export const defaultBrokerPath = `/${defaultNamespace}/default`;

const sendCommand: Command = {
  name: "send",
  summary: "Build a CloudEvent and send it to the broker, as 'kn event send' does",
  description: [
    "Takes the flags of 'kn event send' (knative kn-plugin-event) and sends the same request:",
    "binary mode, ce-* headers, the data a JSON object built from the fields. --field turns",
    "'true'/'false' into booleans and whole numbers (and six-decimal numbers like 1.500000) into",
    "numbers, exactly as kn does; --raw-field keeps the value as text. A dotted path nests",
    "objects. Prints the id of the accepted event.",
    "",
    `--to names a broker of the mesh at --url, sent to <url>/<namespace>/<name> (namespace from`,
    `--namespace, default ${defaultNamespace}), or a URL to send to, as kn 1.16 and later take it`,
    "(older kn releases had --to-url for a URL; it is still accepted). kn's references to other",
    "kinds (ksvc:, Service, channel:) need the cluster's API and are refused.",
  ].join("\n"),
  options: {
    to: {
      type: "string",
      short: "r",
      placeholder: "broker",
      description:
        "a broker, broker:<name> or Broker:eventing.knative.dev/v1:<name> (default: default), or a URL",
    },
    "to-url": {
      type: "string",
      short: "u",
      placeholder: "url",
      description: "an http(s) URL, as older kn releases took it (kn 1.16 and later: --to <url>)",
    },
    namespace: {
      type: "string",
      short: "n",
      placeholder: "namespace",
      description: `the namespace of the broker --to names (default ${defaultNamespace})`,
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
    "mesh send --type dev.meshsix.task.requested --field capability=general-query --field payload.query='What is 2+2?'",
    "mesh send --to Broker:eventing.knative.dev/v1:default -n mesh-six --type dev.meshsix.task.requested --field capability=general-query --field payload.query='Is 7 prime?' --raw-field payload.ticket=0042",
    "mesh send --to http://localhost:8080/mesh-six/default --type dev.meshsix.task.requested --field capability=general-query --field payload.prompt='Say hello'",
  ],
  async run(input, io) {
    const target = resolveTarget(
      {
        to: stringOption(input, "to"),
        toUrl: stringOption(input, "to-url"),
        namespace: stringOption(input, "namespace"),
      },
      input.url,
    );
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
    // the key goes only to the mesh's own address, not to any --to-url
    const toMesh = target.origin === input.url.origin;
    await send(
      io,
      target,
      { method: request.method, headers: request.headers, body: request.body },
      { apiKey: toMesh },
    );
    io.stdout(`${event.id}\n`);
  },
};

/** Where `mesh send` sends: kn's `--to` (a broker or a URL) or older kn's `--to-url`, and `--namespace`. */
export interface TargetFlags {
  readonly to?: string | undefined;
  readonly toUrl?: string | undefined;
  readonly namespace?: string | undefined;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** kn's form of a Kubernetes reference: kind:apiVersion:name, or a label selector for the name. */
const kubernetesReference = /^([A-Za-z0-9]+):([A-Za-z0-9/.]+):(.+)$/;
const brokerHint =
  "give broker:<name>, Broker:eventing.knative.dev/v1:<name> or a URL such as http://<host>/<namespace>/<broker>";

/**
 * The target as kn reads its flags, for what a CLI outside the cluster can reach: a broker of the
 * mesh at --url (`broker:<name>`, kn's reference `Broker:eventing.knative.dev/v1:<name>`, or none
 * for `default`) in --namespace (default mesh-six) at `<mesh url>/<namespace>/<name>`, or an
 * absolute http(s) URL (`--to`, as kn 1.16 and later take it, or older kn's `--to-url`). kn's other
 * references (ksvc:, Service, channel:) need the cluster's API, which only kn has.
 */
export function resolveTarget(flags: TargetFlags, meshUrl: URL): URL {
  const { to, toUrl, namespace } = flags;
  if (to !== undefined && toUrl !== undefined) {
    throw new UsageError(
      "can't use both --to and --to-url: give the broker with --to, or a URL with --to-url",
    );
  }
  if (namespace !== undefined && !(dnsLabel.test(namespace) && namespace.length <= 63)) {
    throw new UsageError(
      `--namespace '${namespace}' is not a namespace name: lowercase letters, digits and '-', at most 63`,
    );
  }
  const broker = to === undefined ? (toUrl === undefined ? "default" : undefined) : brokerName(to);
  if (broker !== undefined) return endpoint(meshUrl, `/${namespace ?? defaultNamespace}/${broker}`);
  const [flag, text] = toUrl === undefined ? ["--to", to!] : ["--to-url", toUrl];
  if (namespace !== undefined) {
    throw new UsageError(
      `--namespace names the namespace of a broker given by name; the URL ${flag} '${text}' has it already`,
    );
  }
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host) {
    throw new UsageError(
      `${flag} '${text}' is not an absolute http(s) URL; give one such as ${endpoint(meshUrl, defaultBrokerPath).href}`,
    );
  }
  return url;
}

/** The broker `--to` names, undefined when it is a URL; refuses other Kubernetes references. */
function brokerName(to: string): string | undefined {
  const short = /^broker:(.*)$/.exec(to);
  const reference = kubernetesReference.exec(to);
  const isBroker = reference?.[1] === "Broker" && reference[2]!.startsWith("eventing.knative.dev/");
  if (!short && !isBroker) {
    if (/^[a-z]+:[^/]/i.test(to) && !/^https?:/i.test(to)) {
      throw new UsageError(
        `--to '${to}' is a Kubernetes reference; mesh send reaches brokers only: ${brokerHint}`,
      );
    }
    return undefined;
  }
  const name = short ? short[1]! : reference![3]!;
  if (name.includes("=")) {
    throw new UsageError(
      `--to '${to}' picks resources by a label selector; mesh send needs one broker by name: ${brokerHint}`,
    );
  }
  if (!(dnsSubdomain.test(name) && name.length <= 253)) {
    throw new UsageError(
      `--to '${to}': '${name}' is not a broker name (lowercase letters, digits, '-' and '.'); ${brokerHint}`,
    );
  }
  return name;
}

export const sendCommands: readonly Command[] = [sendCommand];
