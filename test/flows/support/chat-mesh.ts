import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { defineAgent } from "@mesh-six/shared/agent";
import { createPgliteDb } from "@mesh-six/shared/db/pglite";
import { defineFunction } from "@mesh-six/shared/function/define";
import { type EmbeddedHost, startEmbeddedHost } from "@mesh-six/shared/host/embedded";
import { type RunningServer, serveHost } from "@mesh-six/shared/host/serve";
import { silentLogger } from "@mesh-six/shared/log/logger";
import { TaskFailure } from "@mesh-six/shared/run/errors";
import { z } from "zod";

/** The API keys of the chat mesh: one that may chat, one that may only read. */
export const chatKey = "chat-key-0123456789abcdef";
export const readKey = "read-key-0123456789abcdef";

/** A text agent for general questions, without memory, on whatever model LLM_BASE_URL names. */
export const chatAgent = defineAgent({
  name: "chat-agent",
  description: "Answers general questions (a test agent for the chat API).",
  capabilities: [{ name: "general-query", weight: 0.3 }],
  input: z.object({ query: z.string().min(1) }),
  instructions: "Answer briefly.",
});

/** Another agent for general questions, weighted above chat-agent: what `mesh-six` mostly routes to. */
export const rivalAgent = defineAgent({
  name: "rival-agent",
  description: "Answers general questions too (a test agent for the chat API's agent models).",
  capabilities: [{ name: "general-query", weight: 1 }],
  input: z.object({ query: z.string().min(1) }),
  instructions: "Answer briefly.",
});

/** An agent whose every task fails: its capability `broken-work`. */
export const brokenAgent = defineFunction({
  name: "broken-agent",
  description: "Fails every task (a test agent for the chat API's errors).",
  capabilities: [{ name: "broken-work", weight: 1 }],
  run: async () => {
    throw new TaskFailure("unhandled", "the broken agent cannot do this");
  },
});

export interface ChatMesh {
  readonly host: EmbeddedHost;
  /** The OpenAI-compatible API root (ends in /v1), for `new OpenAI({ baseURL })`. */
  readonly baseURL: string;
  stop(): Promise<void>;
}

/**
 * The embedded host over HTTP on a free port (PGlite in memory, the system clock): the
 * gateway, orchestrator and dead-letter with the test agents, keys required.
 */
export async function startChatMesh(env: Record<string, string> = {}): Promise<ChatMesh> {
  const host = await startEmbeddedHost({
    functions: [gateway, orchestrator, deadLetter, chatAgent, rivalAgent, brokenAgent],
    environment: {
      MESH_API_KEYS: `chat:${chatKey}:read+write,reader:${readKey}:read`,
      LOG_LEVEL: "error",
      ...env,
    },
    db: await createPgliteDb(),
    logger: silentLogger,
  });
  const server: RunningServer = await serveHost(host, 0, "127.0.0.1");
  return {
    host,
    baseURL: `http://127.0.0.1:${server.port}/v1`,
    async stop() {
      await server.close();
      await host.stop();
    },
  };
}
