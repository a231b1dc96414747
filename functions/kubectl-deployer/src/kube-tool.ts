import type { Operation } from "@mesh-six/integration-kubernetes";
import { type Tool, type ToolContext, tool } from "@mesh-six/shared/agent";
import type { StepRetry } from "@mesh-six/shared/run/types";
import type { z } from "zod";

/** A tool that calls the Kubernetes API, with the operations it makes (its RBAC comes from them). */
export type KubeTool<Input = unknown> = Tool<Input> & { readonly operations: readonly Operation[] };

export function kubeTool<Schema extends z.ZodType, Output>(definition: {
  readonly description: string;
  readonly input: Schema;
  readonly operations: readonly Operation[];
  readonly run: (input: z.output<Schema>, ctx: ToolContext) => Promise<Output> | Output;
  readonly needsApproval?: boolean;
  readonly failsTask?: boolean;
  readonly retry?: StepRetry;
}): KubeTool<z.output<Schema>> {
  const { operations, ...rest } = definition;
  return { ...tool(rest), operations } as KubeTool<z.output<Schema>>;
}
