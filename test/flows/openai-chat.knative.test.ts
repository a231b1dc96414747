import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import { generalAgent } from "@mesh-six/function-general-agent";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { type ReplayServer, startReplayServer, streamed } from "@mesh-six/testing/openai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KnativeMesh, startKnativeMesh } from "./support/knative-mesh.ts";

/**
 * The OpenAI-compatible API on the Knative host, through the real `openai` client: the
 * gateway, the orchestrator and the agent are separate HTTP services behind a broker
 * reached over HTTP, so the agent's live text reaches the gateway's stream only through
 * what the agent's sink accepted (task.progress in the event log), not through memory
 * they share, as on a cluster where they run in different pods.
 */
describe("the OpenAI-compatible API on the Knative host", () => {
  let model: ReplayServer;
  let mesh: KnativeMesh;
  let client: OpenAI;
  beforeAll(async () => {
    model = await startReplayServer();
    mesh = await startKnativeMesh([
      { definition: orchestrator },
      { definition: gateway },
      { definition: generalAgent, env: { LLM_BASE_URL: model.baseURL, LLM_API_KEY: "sk-test" } },
      { definition: deadLetter },
    ]);
    client = new OpenAI({
      baseURL: `${mesh.url("gateway")}/v1`,
      apiKey: "unused-on-loopback",
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await mesh.stop();
    await model.close();
  });

  /** Moves the mesh's clock (the gateway's polls, the broker's deliveries) until `work` is done. */
  async function driving<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const finished = work.finally(() => {
      done = true;
    });
    while (!done) await mesh.advance(20);
    return finished;
  }

  it("streams the agent's text, sent by its own service as task.progress events, ending with the usage chunk", async () => {
    model.use(
      streamed({
        name: "knative-story",
        match: "tell a story on knative",
        pieces: ["Once ", "upon ", "a ", "cluster."],
        usage: { promptTokens: 9, completionTokens: 4 },
      }),
    );
    // (no model.hold here: the broker's clock moves only when no delivery is in flight, and a
    // held model keeps the agent's delivery open; the pieces are counted on their way instead)
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    await driving(
      (async () => {
        const stream = await client.chat.completions.create({
          model: "mesh-six/general-query",
          messages: [{ role: "user", content: "Please tell a story on knative" }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of stream) chunks.push(chunk);
      })(),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "Once upon a cluster.",
    );
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    const taskId = usage.id.replace(/^chatcmpl-/, "");
    expect((await readTask(mesh.db, taskId))?.status).toBe("succeeded");
    // the text crossed from the agent's service to the gateway's as task.progress events the
    // agent's sink accepted, and the gateway streamed it in more than one piece
    const { rows } = await mesh.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM mesh_events WHERE event_type = 'dev.meshsix.task.progress' AND subject = $1 AND kind = 'event.accepted'",
      [taskId],
    );
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(2);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(2);
    expect(mesh.requestsTo("general-agent").length).toBeGreaterThan(0);
  });

  it("answers a whole chat with the agent's answer and the task's tokens", async () => {
    const answer = await driving(
      client.chat.completions.create({
        model: "mesh-six",
        messages: [{ role: "user", content: "What is 2+2?" }],
      }),
    );
    expect(answer.object).toBe("chat.completion");
    expect(answer.choices[0]?.message.content).toContain("4");
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);
  });
});
