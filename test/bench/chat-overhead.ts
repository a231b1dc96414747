import { startReplayServer } from "@mesh-six/testing/openai";
import OpenAI from "openai";
import { chatKey, startChatMesh } from "../flows/support/chat-mesh.ts";
import { percentile, round, writeResult } from "./support/stats.ts";

/**
 * What the gateway's OpenAI-compatible API adds to one chat request, against calling the
 * same model endpoint (the OpenAI-compatible replay server, which answers at once)
 * directly with the same `openai` client, in the same run, pairs interleaved. Through
 * mesh-six a chat is a whole mesh task: the gateway records it and publishes
 * task.requested, the orchestrator scores and dispatches it, the agent's durable run
 * calls the model and commits, the orchestrator finishes the task, the gateway sees it.
 * Measured: the whole request (non-streaming) and the time to the first streamed token
 * (`stream: true`, the first chunk with content). The embedded host on in-memory PGlite,
 * over HTTP on loopback. LiteLLM's published proxy overhead (p50 2 ms, p99 13 ms) is the
 * mark to compare with.
 */
const pairs = Number(process.env.BENCH_CHAT_PAIRS ?? 60);
const warmUp = 5;
const messages = [{ role: "user" as const, content: "What is 2+2?" }];

const model = await startReplayServer();
const mesh = await startChatMesh({ LLM_BASE_URL: model.baseURL, LLM_API_KEY: "sk-bench" });
const direct = new OpenAI({ baseURL: model.baseURL, apiKey: "sk-bench", maxRetries: 0 });
const viaMesh = new OpenAI({ baseURL: mesh.baseURL, apiKey: chatKey, maxRetries: 0 });

async function whole(client: OpenAI, name: string): Promise<number> {
  const started = performance.now();
  const answer = await client.chat.completions.create({ model: name, messages });
  if (!answer.choices[0]?.message.content?.includes("4")) throw new Error("the answer lacks 4");
  return performance.now() - started;
}

async function firstToken(client: OpenAI, name: string): Promise<number> {
  const started = performance.now();
  const stream = await client.chat.completions.create({ model: name, messages, stream: true });
  let first: number | undefined;
  for await (const chunk of stream) {
    if (first === undefined && (chunk.choices[0]?.delta.content ?? "") !== "") first = performance.now();
  }
  if (first === undefined) throw new Error("the stream carried no text");
  return first - started;
}

type Measure = (client: OpenAI, name: string) => Promise<number>;

async function compare(measure: Measure) {
  const baseline: number[] = [];
  const through: number[] = [];
  for (let index = 0; index < warmUp + pairs; index += 1) {
    const directMs = await measure(direct, "gpt-4o-mini");
    const meshMs = await measure(viaMesh, "mesh-six");
    model.reset();
    if (index < warmUp) continue;
    baseline.push(directMs);
    through.push(meshMs);
  }
  const added = through.map((ms, index) => ms - baseline[index]!);
  const figures = (samples: number[]) => ({
    p50Ms: round(percentile(samples, 50), 2),
    p99Ms: round(percentile(samples, 99), 2),
  });
  return {
    direct: figures(baseline),
    viaMesh: figures(through),
    addedMs: figures(added),
    ratioP50: round(percentile(through, 50) / percentile(baseline, 50), 1),
    ratioP99: round(percentile(through, 99) / percentile(baseline, 99), 1),
  };
}

const liteLlm = { p50Ms: 2, p99Ms: 13 };
try {
  const nonStreaming = await compare(whole);
  const timeToFirstToken = await compare(firstToken);
  const versus = (result: { addedMs: { p50Ms: number; p99Ms: number } }) => ({
    p50TimesLiteLlm: round(result.addedMs.p50Ms / liteLlm.p50Ms, 1),
    p99TimesLiteLlm: round(result.addedMs.p99Ms / liteLlm.p99Ms, 1),
  });
  writeResult("chat-overhead", {
    pairs,
    setup:
      "openai client → gateway (embedded host, in-memory PGlite, loopback HTTP) → task → agent → replay server, against openai client → replay server",
    nonStreaming: { ...nonStreaming, ...versus(nonStreaming) },
    timeToFirstToken: { ...timeToFirstToken, ...versus(timeToFirstToken) },
    liteLlmProxyOverhead: liteLlm,
  });
} finally {
  await mesh.stop();
  await model.close();
}
