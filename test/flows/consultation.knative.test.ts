import { TaskRequested } from "@mesh-six/events";
import { createArchitect } from "@mesh-six/function-architect";
import { orchestrator } from "@mesh-six/function-orchestrator";
import { createResearcher } from "@mesh-six/function-researcher";
import { searchDouble } from "@mesh-six/integration-search/testing";
import { readTask } from "@mesh-six/shared/registry/tasks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KnativeMesh, startKnativeMesh } from "./support/knative-mesh.ts";

describe("consultation on the Knative host: the architect's child task reaches the researcher over HTTP", () => {
  let mesh: KnativeMesh;
  const search = searchDouble("searxng");
  beforeAll(async () => {
    const env = { SEARCH_PROVIDER: "searxng", SEARXNG_URL: "http://searxng.test:8080" };
    mesh = await startKnativeMesh([
      { definition: orchestrator },
      { definition: createArchitect() },
      { definition: createResearcher({ fetch: search.fetch }), env },
    ]);
  });
  afterAll(() => mesh.stop());

  it("routes technical-research to the researcher and hands its findings back to the architect's run", async () => {
    const taskId = "consult-knative-1";
    await mesh.send(
      TaskRequested.create({
        source: "/test/flows",
        id: taskId,
        data: {
          taskId,
          capability: "tech-consultation",
          payload: { query: "Should the shop use the knative kafka broker?", research: true },
        },
      }),
    );
    const task = await readTask(mesh.db, taskId);
    expect(task).toMatchObject({ status: "succeeded", agentId: "architect" });
    const child = await mesh.db.query<{ agent_id: string; status: string }>(
      "select agent_id, status from tasks where capability = 'technical-research'",
    );
    expect(child.rows).toEqual([{ agent_id: "researcher", status: "succeeded" }]);
    expect(mesh.requestsTo("researcher").length).toBeGreaterThan(0);
    expect(search.queries.length).toBeGreaterThan(0);
    expect(JSON.stringify(task?.result)).toContain("ask_researcher →");
  });
});
