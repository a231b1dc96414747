import type { Capability, FunctionDefinition } from "../function/define.ts";
import type { SqlExecutor } from "../ports/db.ts";
import { rememberDependencyChecks } from "./checks.ts";

/** A row of `agents`: a function that offers capabilities to the orchestrator. */
export interface AgentRecord {
  readonly name: string;
  readonly functionName: string;
  readonly description: string;
  readonly capabilities: readonly AgentCapability[];
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
 * Writes the capabilities of every definition that declares some to `agents`, and
 * remembers their dependency checks in this process for the orchestrator. Called at
 * start by the embedded host and at deploy. Agents no longer defined are left alone.
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
    validateCapabilities(definition);
    rememberDependencyChecks(definition);
    await db.query(
      `INSERT INTO agents (name, function_name, description, capabilities, status, registered_at, updated_at)
       VALUES ($1, $1, $2, $3::jsonb, 'active', to_timestamp($4 / 1000.0), to_timestamp($4 / 1000.0))
       ON CONFLICT (name) DO UPDATE
         SET description = EXCLUDED.description, capabilities = EXCLUDED.capabilities,
             status = 'active', updated_at = EXCLUDED.updated_at`,
      [definition.name, definition.description, JSON.stringify(capabilities.map(toRecord)), options.now],
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

function validateCapabilities(definition: FunctionDefinition): void {
  const checks = new Set((definition.dependencyChecks ?? []).map((check) => check.name));
  for (const capability of definition.capabilities ?? []) {
    if (!(capability.weight >= 0 && capability.weight <= 1)) {
      throw new Error(
        `function ${definition.name}: capability ${capability.name} has weight ${capability.weight}; use a number from 0.0 to 1.0`,
      );
    }
    for (const dependency of capability.dependencies ?? []) {
      if (!checks.has(dependency)) {
        throw new Error(
          `function ${definition.name}: capability ${capability.name} depends on "${dependency}", which is not one of its dependencyChecks (${[...checks].join(", ") || "none"}); add the check or remove the dependency`,
        );
      }
    }
  }
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
  status: AgentRecord["status"];
  registered_at: Date | string;
  updated_at: Date | string;
}

export async function listAgents(db: SqlExecutor): Promise<AgentRecord[]> {
  const { rows } = await db.query<AgentRow>(
    `SELECT name, function_name, description, capabilities, status, registered_at, updated_at
       FROM agents ORDER BY name`,
  );
  return rows.map((row) => ({
    name: row.name,
    functionName: row.function_name,
    description: row.description,
    capabilities: row.capabilities,
    status: row.status,
    registeredAt: new Date(row.registered_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  }));
}

/** An agent that offers a capability, with what it declared for it. */
export interface CandidateAgent {
  readonly agentId: string;
  readonly capability: AgentCapability;
}

/** Active agents offering `capability`, except those in `exclude`. */
export async function agentsOffering(
  db: SqlExecutor,
  capability: string,
  exclude: readonly string[] = [],
): Promise<CandidateAgent[]> {
  const { rows } = await db.query<{ name: string; capability: AgentCapability }>(
    `SELECT a.name, c.value AS capability
       FROM agents a CROSS JOIN LATERAL jsonb_array_elements(a.capabilities) c
      WHERE a.status = 'active' AND c.value->>'name' = $1 AND NOT (a.name = ANY($2::text[]))
      ORDER BY a.name`,
    [capability, exclude],
  );
  return rows.map((row) => ({ agentId: row.name, capability: row.capability }));
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
