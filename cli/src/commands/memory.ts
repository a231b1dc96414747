import { z } from "zod";
import { type Command, type CommandInput, countOption, stringOption, UsageError } from "../command.ts";
import { endpoint, sendForJson } from "../http.ts";
import { formatTable } from "../table.ts";

const memory = z.object({
  id: z.string(),
  agent: z.string(),
  userId: z.string().nullable(),
  content: z.string(),
  score: z.number().optional(),
  updatedAt: z.string(),
});
type Memory = z.output<typeof memory>;

const answer = z.object({
  embedder: z.object({ model: z.string(), local: z.boolean(), note: z.string().optional() }),
  memories: z.array(memory),
});

const filterOptions = {
  user: { type: "string", short: "u", placeholder: "user", description: "only this user's memories" },
  agent: { type: "string", short: "a", placeholder: "agent", description: "only this agent's memories" },
  limit: { type: "string", short: "n", placeholder: "count", description: "at most this many (default 10)" },
} as const;

/** A memory id as the mesh checks it (zod's uuid: RFC 9562, so version and variant digits count). */
const memoryId = z.uuid();
/** The longest query and name the mesh takes (GET and DELETE /memories). */
const maxQuery = 2000;
const maxName = 200;

const searchCommand: Command = {
  name: "memory search",
  summary: "Find the agents' memories most similar to a query",
  description:
    "Best first: id, score (cosine similarity), agent, user and the memory. Quote a query of several words.",
  options: filterOptions,
  positionals: [{ name: "query", description: "what to look for, e.g. 'answer style'" }],
  examples: [
    "mesh memory search 'answer style' --user u1",
    "mesh memory search kubernetes --agent general-agent",
  ],
  async run(input, io) {
    const url = endpoint(input.url, "/memories", { q: queryOf(input), ...filters(input) });
    const { embedder, memories } = await sendForJson(io, url, answer);
    if (embedder.note) io.stderr(`note: ${embedder.note}\n`);
    io.stdout(memories.length === 0 ? "No memory matches.\n" : table(memories, true));
  },
};

const listCommand: Command = {
  name: "memory list",
  summary: "List the newest memories",
  options: filterOptions,
  examples: ["mesh memory list --user u1"],
  async run(input, io) {
    const { memories } = await sendForJson(io, endpoint(input.url, "/memories", filters(input)), answer);
    io.stdout(memories.length === 0 ? "No memories.\n" : table(memories, false));
  },
};

const forgetCommand: Command = {
  name: "memory forget",
  summary: "Delete one memory",
  options: {},
  positionals: [
    { name: "id", description: "the memory's id, from 'mesh memory search' or 'mesh memory list'" },
  ],
  examples: ["mesh memory forget 0b5c6f1e-3d2a-4c8b-9e7f-1a2b3c4d5e6f"],
  async run(input, io) {
    const id = input.positionals[0]!;
    if (!memoryId.safeParse(id).success) {
      throw new UsageError(`<id> must be a memory id, a UUID as 'mesh memory list' shows (got '${id}')`);
    }
    const { memory: forgotten } = await sendForJson(
      io,
      endpoint(input.url, `/memories/${id}`),
      z.object({ memory }),
      {
        method: "DELETE",
      },
    );
    io.stdout(`Forgot memory ${forgotten.id} (${forgotten.agent}): ${forgotten.content}\n`);
  },
};

const forgetUserCommand: Command = {
  name: "memory forget-user",
  summary: "Delete every memory of a user",
  options: { agent: filterOptions.agent },
  positionals: [{ name: "user", description: "the user whose memories go" }],
  examples: ["mesh memory forget-user u1", "mesh memory forget-user u1 --agent architect"],
  async run(input, io) {
    const user = checkedName("<user>", input.positionals[0]!, "");
    const agent = nameOption(input, "agent", "");
    const url = endpoint(input.url, "/memories", { user, agent });
    const { forgotten } = await sendForJson(io, url, z.object({ forgotten: z.number() }), {
      method: "DELETE",
    });
    io.stdout(
      `Forgot ${forgotten} ${forgotten === 1 ? "memory" : "memories"} of ${user}${agent ? ` (${agent})` : ""}.\n`,
    );
  },
};

function filters(input: CommandInput) {
  return {
    user: nameOption(input, "user", "; leave it out for everyone's"),
    agent: nameOption(input, "agent", "; leave it out for every agent's"),
    limit: countOption(input, "limit", 10, 100),
  };
}

/** The search query as the mesh takes it: not blank, at most 2000 characters. */
function queryOf(input: CommandInput): string {
  const query = input.positionals[0]!;
  if (query.trim() === "") {
    throw new UsageError("<query> must not be empty; 'mesh memory list' lists memories without one");
  }
  if (query.length > maxQuery) {
    throw new UsageError(`<query> must be at most ${maxQuery} characters (got ${query.length})`);
  }
  return query;
}

function nameOption(input: CommandInput, name: string, hint: string): string | undefined {
  const value = stringOption(input, name);
  return value === undefined ? undefined : checkedName(`--${name}`, value, hint);
}

/** A user or agent name as the mesh takes it: 1 to 200 characters. */
function checkedName(what: string, value: string, hint: string): string {
  if (value === "") throw new UsageError(`${what} must not be empty${hint}`);
  if (value.length > maxName) {
    throw new UsageError(`${what} must be at most ${maxName} characters (got ${value.length})`);
  }
  return value;
}

function table(memories: readonly Memory[], scored: boolean): string {
  const header = ["ID", ...(scored ? ["SCORE"] : ["UPDATED"]), "AGENT", "USER", "MEMORY"];
  const rows = memories.map((entry) => [
    entry.id,
    scored ? (entry.score ?? 0).toFixed(3) : entry.updatedAt,
    entry.agent,
    entry.userId ?? "-",
    entry.content,
  ]);
  return formatTable(header, rows);
}

export const memoryCommands: readonly Command[] = [
  searchCommand,
  listCommand,
  forgetCommand,
  forgetUserCommand,
];
