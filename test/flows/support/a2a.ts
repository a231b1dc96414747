import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Message, Role, type SendMessageRequest } from "@a2a-js/sdk";
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
} from "@a2a-js/sdk/client";
import { fleet } from "@mesh-six/fleet";
import { defineFunction } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { silentLogger } from "@mesh-six/shared/log/logger";

/** What the A2A suites share: an embedded host with the fleet and two runs that wait for the caller, keys, clients, messages. */

export const origin = "http://mesh.test";

/** A run that asks its caller a question, then answers with what it was told. */
export const asker = defineFunction({
  name: "asker",
  description: "Asks which service to restart, then says it restarted it.",
  capabilities: [{ name: "ask-service", weight: 1 }],
  async run(_input, step) {
    const told = await step.input("which", { question: "Which service should I restart?" });
    return { answer: `restarted ${told.answer ?? "nothing"}` };
  },
});

export const keyOf = (name: string) => `${name}-key-0123456789abcdef`;
const keys = [
  `ops:${keyOf("ops")}:read+write+admin+approve`,
  `reader:${keyOf("reader")}:read`,
  `writer:${keyOf("writer")}:read+write`,
  `sender:${keyOf("sender")}:write`,
  `ada:${keyOf("ada")}:read+write:user=ada`,
  `bob:${keyOf("bob")}:read+write:user=bob`,
].join(",");

const dirs: string[] = [];
export function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mesh-a2a-"));
  dirs.push(dir);
  return dir;
}

/** The fleet on `dir`, with the suite's keys; `withKeys: false` for a mesh without MESH_API_KEYS (loopback, everyone may do everything). */
export async function start(dir: string, withKeys = true): Promise<EmbeddedHost> {
  return startEmbeddedHost({
    functions: [...fleet, asker, approver],
    environment: { MESH_DATA_DIR: dir, LOG_LEVEL: "error", ...(withKeys ? { MESH_API_KEYS: keys } : {}) },
    logger: silentLogger,
  });
}

/** The host's fetch, with the key `name` as the A2A client would send it. */
export function fetchOf(host: () => EmbeddedHost, name: string | null = "ops"): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (name !== null) request.headers.set("authorization", `Bearer ${keyOf(name)}`);
    return host().fetch(request);
  };
}

/** A client the SDK's factory builds from the card at `base`, over `binding`. */
export async function clientOf(
  host: () => EmbeddedHost,
  base: string,
  binding: "JSONRPC" | "HTTP+JSON",
  /** The key its fetch sends; null for none (send one per call as serviceParameters). */
  key: string | null = "ops",
): Promise<Client> {
  const fetchImpl = fetchOf(host, key);
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
      preferredTransports: [binding],
    }),
  );
  return factory.createFromUrl(base);
}

export function message(text: string, extra: Partial<Message> = {}): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId: "",
    taskId: "",
    role: Role.ROLE_USER,
    parts: [{ content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "" }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
    ...extra,
  };
}

export function send(
  text: string,
  extra: Partial<Message> = {},
  returnImmediately = false,
): SendMessageRequest {
  return {
    tenant: "",
    message: message(text, extra),
    configuration: { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately },
    metadata: undefined,
  };
}

export function textOfArtifacts(task: {
  artifacts: { parts: { content?: { $case: string; value: unknown } }[] }[];
}) {
  return task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === "text" ? part.content.value : undefined))
    .filter(Boolean);
}

/** A run that needs a person's approval before it acts. */
export const approver = defineFunction({
  name: "approver",
  description: "Deletes a branch once a person approves.",
  capabilities: [{ name: "delete-branch", weight: 1 }],
  async run(input, step) {
    const decided = await step.approval("delete", {
      action: `delete branch ${String(input.query)}`,
      reason: "it is merged",
    });
    return { answer: decided.approved ? "deleted" : "kept" };
  },
});

/** Removes the data directories the suite made. */
export function removeDataDirs(): void {
  for (const each of dirs.splice(0)) rmSync(each, { recursive: true, force: true });
}
