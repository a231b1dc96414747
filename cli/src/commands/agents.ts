import { roundScore, shownDecimals } from "@mesh-six/shared/registry/score-card";
import { z } from "zod";
import { booleanOption, type Command, UsageError } from "../command.ts";
import { endpoint, sendForJson } from "../http.ts";
import { formatTable } from "../table.ts";

const capability = z.looseObject({
  name: z.string(),
  weight: z.number(),
  preferred: z.boolean().optional(),
  dependencies: z.array(z.string()).optional(),
});
const agentList = z.object({
  agents: z.array(z.looseObject({ name: z.string(), status: z.string(), capabilities: z.array(capability) })),
});
const card = z.looseObject({
  agentId: z.string(),
  weight: z.number(),
  preferred: z.boolean(),
  dependencyHealth: z.number(),
  failingChecks: z.array(z.string()),
  samples: z.number(),
  rollingSuccessRate: z.number(),
  recencyBoost: z.number(),
  final: z.number(),
});
const scores = z.object({
  capability: z.string(),
  leader: z.string().nullable(),
  recovering: z.array(z.string()),
  cards: z.array(card),
});

/** A score with the 4 decimals the mesh shows them with. */
const fixed = (value: number) => value.toFixed(shownDecimals);

const agentsCommand: Command = {
  name: "agents",
  summary: "List the registered agents and their capabilities",
  options: { json: { type: "boolean", description: "print the answer as JSON" } },
  examples: ["mesh agents"],
  async run(input, io) {
    const { agents } = await sendForJson(io, endpoint(input.url, "/agents"), agentList);
    if (booleanOption(input, "json")) return io.stdout(`${JSON.stringify(agents, null, 2)}\n`);
    if (agents.length === 0) return io.stdout("No agents registered.\n");
    const rows = agents.flatMap((agent) =>
      agent.capabilities.map((entry, index) => [
        index === 0 ? agent.name : "",
        index === 0 ? agent.status : "",
        entry.name,
        `${entry.weight}${entry.preferred ? " (preferred)" : ""}`,
        entry.dependencies?.join(", ") || "-",
      ]),
    );
    io.stdout(formatTable(["AGENT", "STATUS", "CAPABILITY", "WEIGHT", "DEPENDS ON"], rows));
  },
};

const scoresCommand: Command = {
  name: "scores",
  summary: "Show how the orchestrator scores the agents offering a capability right now",
  description: [
    "final = weight × health × rate × boost (× 1.05 when preferred): dependency health (1 or 0),",
    "the rolling success rate over the newest 20 results (0.95^i weights), and 1.1 when the",
    "newest three succeeded. 'recovering' marks agents held back only by old failures: they get",
    "a share of low-priority tasks until they climb back (docs/routing.md).",
  ].join("\n"),
  positionals: [{ name: "capability", description: "the capability, e.g. deploy-service" }],
  options: { json: { type: "boolean", description: "print the answer as JSON" } },
  examples: ["mesh scores deploy-service"],
  async run(input, io) {
    const name = input.positionals[0]!;
    if (name.trim() === "") {
      throw new UsageError(
        "<capability> must not be empty; name one, e.g. deploy-service ('mesh agents' lists them)",
      );
    }
    const answer = await sendForJson(
      io,
      endpoint(input.url, `/agents/score/${encodeURIComponent(name)}`),
      scores,
    );
    if (booleanOption(input, "json")) return io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    const rows = answer.cards.map((entry) => [
      entry.agentId,
      fixed(entry.final),
      `${roundScore(entry.weight)}${entry.preferred ? "*" : ""}`,
      String(entry.dependencyHealth),
      fixed(entry.rollingSuccessRate),
      String(roundScore(entry.recencyBoost)),
      String(entry.samples),
      entry.agentId === answer.leader
        ? "leader"
        : answer.recovering.includes(entry.agentId)
          ? "recovering"
          : entry.failingChecks.length > 0
            ? `failing: ${entry.failingChecks.join(", ")}`
            : "",
    ]);
    io.stdout(formatTable(["AGENT", "FINAL", "WEIGHT", "HEALTH", "RATE", "BOOST", "SAMPLES", "NOTE"], rows));
  },
};

export const agentCommands: readonly Command[] = [agentsCommand, scoresCommand];
