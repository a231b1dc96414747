import type { Capability, FunctionDefinition } from "../function/define.ts";
import type { SqlExecutor } from "../ports/db.ts";
import { type RegisteredCheck, registeredCheck } from "./checks.ts";

/** A row of `agents`: a function that offers capabilities to the orchestrator. */
export interface AgentRecord {
  readonly name: string;
  readonly functionName: string;
  readonly description: string;
  readonly capabilities: readonly AgentCapability[];
  /** The HTTP probes its capabilities' dependencies name, run by the orchestrator. */
  readonly dependencyChecks: readonly RegisteredCheck[];
  readonly status: "active" | "offline";
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export interface AgentCapability {
  readonly name: string;
  readonly weight: number;
  readonly preferred: boolean;
  readonly dependencies: readonly string[];
}

export interface RegisterOptions {
  /** Milliseconds since the epoch; the registration time. */
  readonly now: number;
}

/**
 * Writes the capabilities and dependency checks of every definition that declares
 * capabilities to `agents`, so the orchestrator can score the agent and run its checks
 * wherever it runs. Called at start by the embedded host and at deploy (the migration
 * Job). Agents no longer defined are left alone.
 */
export async function registerAgents(
  db: SqlExecutor,
  definitions: readonly FunctionDefinition[],
  options: RegisterOptions,
): Promise<string[]> {
  const registered: string[] = [];
  for (const definition of definitions) {
    const capabilities = definition.capabilities ?? [];
    if (capabilities.length === 0) continue;
    const checks = validateCapabilities(definition);
    await db.query(
      `INSERT INTO agents (name, function_name, description, capabilities, dependency_checks, status,
                           registered_at, updated_at)
       VALUES ($1, $1, $2, $3::jsonb, $5::jsonb, 'active', to_timestamp($4 / 1000.0), to_timestamp($4 / 1000.0))
       ON CONFLICT (name) DO UPDATE
         SET description = EXCLUDED.description, capabilities = EXCLUDED.capabilities,
             dependency_checks = EXCLUDED.dependency_checks, status = 'active', updated_at = EXCLUDED.updated_at`,
      [
        definition.name,
        definition.description,
        JSON.stringify(capabilities.map(toRecord)),
        options.now,
        JSON.stringify(checks),
      ],
    );
    registered.push(definition.name);
  }
  return registered;
}

function toRecord(capability: Capability): AgentCapability {
  return {
    name: capability.name,
    weight: capability.weight,
    preferred: capability.preferred ?? false,
    dependencies: [...(capability.dependencies ?? [])],
  };
}

/** Checks the weights and dependencies; returns the dependency checks as the registry keeps them. */
function validateCapabilities(definition: FunctionDefinition): RegisteredCheck[] {
  const checks: RegisteredCheck[] = [];
  for (const check of definition.dependencyChecks ?? []) {
    const label = `function ${definition.name}: dependency check ${JSON.stringify(check.name)}`;
    if (typeof check.name !== "string" || check.name === "") {
      throw new Error(`${label} has no name; name it as its capabilities' dependencies do`);
    }
    if (checks.some((other) => other.name === check.name)) throw new Error(`${label} is declared twice`);
    const registered = registeredCheck(check);
    if ("problem" in registered) throw new Error(`${label} ${registered.problem}`);
    checks.push(registered);
  }
  const names = new Set(checks.map((check) => check.name));
  for (const capability of definition.capabilities ?? []) {
    if (!(capability.weight >= 0 && capability.weight <= 1)) {
      throw new Error(
        `function ${definition.name}: capability ${capability.name} has weight ${capability.weight}; use a number from 0.0 to 1.0`,
      );
    }
    for (const dependency of capability.dependencies ?? []) {
      if (!names.has(dependency)) {
        throw new Error(
          `function ${definition.name}: capability ${capability.name} depends on "${dependency}", which is not one of its dependencyChecks (${[...names].join(", ") || "none"}); add the check or remove the dependency`,
        );
      }
    }
  }
  return checks;
}

/** Marks an agent offline (it gets no tasks) or active again. */
export async function setAgentStatus(
  db: SqlExecutor,
  name: string,
  status: AgentRecord["status"],
): Promise<boolean> {
  const result = await db.query("UPDATE agents SET status = $2, updated_at = now() WHERE name = $1", [
    name,
    status,
  ]);
  return result.rowCount > 0;
}

interface AgentRow {
  name: string;
  function_name: string;
  description: string;
  capabilities: AgentCapability[];
  dependency_checks: RegisteredCheck[];
  status: AgentRecord["status"];
  registered_at: Date | string;
  updated_at: Date | string;
}

export async function listAgents(db: SqlExecutor): Promise<AgentRecord[]> {
  const { rows } = await db.query<AgentRow>(
    `SELECT name, function_name, description, capabilities, dependency_checks, status, registered_at, updated_at
       FROM agents ORDER BY name`,
  );
  return rows.map((row) => ({
    name: row.name,
    functionName: row.function_name,
    description: row.description,
    capabilities: row.capabilities,
    dependencyChecks: row.dependency_checks,
    status: row.status,
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  }));
}

/** An agent that offers a capability, with what it declared for it. */
export interface CandidateAgent {
  readonly agentId: string;
  readonly capability: AgentCapability;
  /** The registered checks the capability's dependencies name (a name without one is missing here). */
  readonly checks: readonly RegisteredCheck[];
}

/** Active agents offering `capability`, except those in `exclude`. */
export async function agentsOffering(
  db: SqlExecutor,
  capability: string,
  exclude: readonly string[] = [],
): Promise<CandidateAgent[]> {
  const { rows } = await db.query<{ name: string; capability: AgentCapability; checks: RegisteredCheck[] }>(
    `SELECT a.name, c.value AS capability, a.dependency_checks AS checks
       FROM agents a CROSS JOIN LATERAL jsonb_array_elements(a.capabilities) c
      WHERE a.status = 'active' AND c.value->>'name' = $1 AND NOT (a.name = ANY($2::text[]))
      ORDER BY a.name`,
    [capability, exclude],
  );
  return rows.map((row) => ({
    agentId: row.name,
    capability: row.capability,
    checks: row.checks.filter((check) => row.capability.dependencies.includes(check.name)),
  }));
}

/** Every capability some active agent offers, for error messages and listings. */
export async function offeredCapabilities(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT DISTINCT c.value->>'name' AS name
       FROM agents a CROSS JOIN LATERAL jsonb_array_elements(a.capabilities) c
      WHERE a.status = 'active' ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}
