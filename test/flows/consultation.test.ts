import { createArchitect } from "@mesh-six/function-architect";
import { createResearcher } from "@mesh-six/function-researcher";
import { recordedGitHub } from "@mesh-six/integration-github/testing";
import { searchDouble } from "@mesh-six/integration-search/testing";
import { defineAgent } from "@mesh-six/shared/agent";
import { createTestMesh, runOf, type TestMesh } from "@mesh-six/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

/** A second agent offering technical-research, weaker: routing by score must pass it over. */
const junior = defineAgent({
  name: "junior-researcher",
  description: "Researches, less well.",
  capabilities: [{ name: "technical-research", weight: 0.5 }],
  input: z.object({ query: z.string() }).loose(),
  instructions: "Answer briefly.",
});

describe("consultation: the architect asks the researcher through step.task, routed by score", () => {
  let mesh: TestMesh;
  const search = searchDouble("searxng");
  beforeAll(async () => {
    const github = recordedGitHub();
    const fetch = (async (input: string | URL | Request, init?: RequestInit) =>
      new URL(input instanceof Request ? input.url : String(input)).hostname === "searxng.test"
        ? search.fetch(input, init)
        : github(input, init)) as typeof globalThis.fetch;
    mesh = await createTestMesh({
      functions: [createArchitect(), createResearcher({ fetch }), junior],
      env: { SEARCH_PROVIDER: "searxng", SEARXNG_URL: "http://searxng.test:8080" },
    });
  });
  afterAll(() => mesh.stop());

  it("a tech-consultation with research: true gets the researcher's findings as a child task and answers with them", async () => {
    const task = await mesh.task("tech-consultation", {
      query: "Should the shop use the knative kafka broker?",
      research: true,
    });
    expect(task).toMatchObject({ status: "succeeded", agentId: "architect" });

    const children = await mesh.db.query<{
      id: string;
      capability: string;
      agent_id: string;
      requested_by: string;
      status: string;
    }>(
      "select id, capability, agent_id, requested_by, status from tasks where capability = 'technical-research'",
    );
    expect(children.rows).toEqual([
      expect.objectContaining({
        capability: "technical-research",
        agent_id: "researcher",
        status: "succeeded",
      }),
    ]);
    const child = children.rows[0]!;

    // routed like any task: both offer technical-research, the better score wins
    const decision = await mesh.db.query<{
      chosen: string;
      reason: string;
      candidates: { cards: { agentId: string; weight: number }[] };
    }>("select chosen, reason, candidates from routing_decisions where task_id = $1", [child.id]);
    expect(decision.rows[0]).toMatchObject({ chosen: "researcher", reason: "score" });
    expect(decision.rows[0]?.candidates.cards.map((card) => [card.agentId, card.weight])).toEqual(
      expect.arrayContaining([
        ["researcher", 0.9],
        ["junior-researcher", 0.5],
      ]),
    );

    // the architect's run waited on the child and gave its result to the model
    const steps = (await runOf(mesh.db, { taskId: task.id })).steps;
    const consulted = steps.find((step) => step.name === "consult ask_researcher");
    expect(consulted).toMatchObject({ kind: "task", status: "succeeded" });
    expect(JSON.stringify(consulted?.result)).toContain(
      "https://knative.dev/docs/eventing/brokers/broker-types/kafka-broker/",
    );
    expect(search.queries[0]).toMatch(/^Should the shop use the knative kafka broker\?/);
    expect((task.result as { summary: string }).summary).toContain("ask_researcher →");
  });
});

describe("consultation when no agent can answer", () => {
  let mesh: TestMesh;
  beforeAll(async () => {
    mesh = await createTestMesh({ functions: [createArchitect()] });
  });
  afterAll(() => mesh.stop());

  it("the failed child task is told to the architect's model, which still answers", async () => {
    const task = await mesh.task("architecture-review", {
      query: "Review the shop's queues",
      research: true,
    });
    expect(task).toMatchObject({ status: "succeeded", agentId: "architect" });
    const child = await mesh.db.query<{ status: string }>(
      "select status from tasks where capability = 'technical-research'",
    );
    expect(child.rows).toEqual([{ status: "failed" }]);
    const step = (await runOf(mesh.db, { taskId: task.id })).steps.find(
      (each) => each.name === "consult ask_researcher",
    );
    expect(step).toMatchObject({ kind: "task", status: "failed" });
    expect((task.result as { summary: string }).summary).toMatch(
      /ask_researcher → "step \\"consult ask_researcher\\" failed/,
    );
  });
});
