import type { MeshEvent } from "@mesh-six/events";
import type { Settings } from "../config/read.ts";
import type { FunctionDefinition, VariableReader } from "../function/define.ts";
import type { Llm } from "../llm/port.ts";
import type { MemoryService } from "../memory/create.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";

/** What a function's runtime runs with (createFunctionRuntime, the handler subscriber, the Knative host). */
export interface FunctionRuntimeSettings {
  readonly definition: FunctionDefinition;
  readonly db: Db;
  readonly kv: Kv;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The function's own settings, read by its config schema (`readFleetConfig`): `ctx.config`. */
  readonly config: Settings;
  /** Variables named at run time (dependency checks' URLs): `ctx.variable`; none when omitted. */
  readonly variable?: VariableReader;
  /** Hands a follow-up event to the broker; resolves once it is stored there. */
  readonly publish: (event: MeshEvent) => Promise<void>;
  /** The LLM port handed to handlers as `ctx.llm`. */
  readonly llm?: Llm;
  /** Long-term memory; each handler gets its function's view as `ctx.memory`. */
  readonly memory?: MemoryService;
}
