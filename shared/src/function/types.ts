import type { EventType, MeshEvent } from "@mesh-six/events";
import type { z } from "zod";
import type { ConfigSchema, Settings } from "../config/read.ts";
import type { Llm } from "../llm/port.ts";
import type { TraceContext } from "../log/trace.ts";
import type { AgentMemory } from "../memory/port.ts";
import type { Clock } from "../ports/clock.ts";
import type { Db, SqlExecutor } from "../ports/db.ts";
import type { Kv } from "../ports/kv.ts";
import type { Logger } from "../ports/logger.ts";
import type { RunFunction, RunSettings } from "../run/types.ts";
import type { DeliverySpec, SubscriptionsApiFilter } from "./knative-types.ts";

/** A capability an agent offers the orchestrator. */
export interface Capability {
  readonly name: string;
  /** Base confidence, 0.0–1.0. */
  readonly weight: number;
  /** Breaks near ties in this agent's favour. */
  readonly preferred?: boolean;
  /** Names of the function's dependency checks that must pass for this capability. */
  readonly dependencies?: readonly string[];
}

/**
 * A check that an outside dependency is usable right now (ArgoCD's API reachable, …),
 * declared as data: an HTTP GET of the dependency, never of the agent, so the
 * orchestrator runs it itself on every host (it is carried in the registry) and a
 * scaled-to-zero agent is never woken for it. Run only when routing needs it, cached.
 */
export interface DependencyCheck {
  readonly name: string;
  /**
   * What to GET. `{VARIABLE}` is replaced by that environment variable of the function
   * running the check (the orchestrator; the gateway for its score preview), e.g.
   * `{ARGOCD_SERVER_URL}/api/version`; a literal http(s) URL works too. On Knative,
   * `npm run manifests` gives those functions each variable from this agent's `secrets`.
   */
  readonly url: string;
  /** The status that passes: one code, or an inclusive range [from, to]; default [200, 299]. */
  readonly expectStatus?: number | readonly [number, number];
  /** How long to wait for the status, in milliseconds (1–5000); default 750. */
  readonly timeoutMs?: number;
}

/** One event subscription of a function; becomes one Knative Trigger. */
export interface Subscription {
  /** Unique within the function; the Trigger is named `<function>-<name>`. */
  readonly name: string;
  /** Exact-match attribute filter (Trigger `spec.filter.attributes`). */
  readonly attributes?: Readonly<Record<string, string>>;
  /** SubscriptionsAPI filters (Trigger `spec.filters`), ANDed. */
  readonly filters?: readonly SubscriptionsApiFilter[];
  /** Overrides the function's delivery policy. */
  readonly delivery?: DeliverySpec;
  /** `ordered` delivers one event at a time per partition; default `unordered`. */
  readonly order?: "ordered" | "unordered";
}

/** A schedule; becomes a Knative PingSource sending to the broker. */
export interface Schedule {
  readonly name: string;
  /** Five-field cron expression. */
  readonly schedule: string;
  readonly timezone?: string;
  readonly data?: unknown;
}

export interface Scaling {
  readonly minScale?: number;
  readonly maxScale?: number;
  readonly concurrency?: number;
  readonly timeoutSeconds?: number;
}

export type { Settings };

/** The parsed settings of a config schema. */
export type SettingsOf<Config extends ConfigSchema> = z.output<Config>;

/** Any variable of the function's environment by name, undefined when unset or empty. */
export type VariableReader = (name: string) => string | undefined;

/** What a function's handler receives besides the event. */
export interface FunctionContext<Own = Settings> {
  readonly function: string;
  readonly db: Db;
  readonly kv: Kv;
  readonly logger: Logger;
  readonly clock: Clock;
  /** This function's own variables, parsed and checked at start by its `config` schema. */
  readonly config: Own;
  /**
   * A variable named only at run time (a dependency check's `{VARIABLE}`); declare every
   * variable known in advance in `config` instead, so it is checked at start and deployed.
   */
  readonly variable: VariableReader;
  readonly trace: TraceContext;
  /** The LLM port, built from the function's settings when its `config` includes `llmConfig`. */
  readonly llm?: Llm;
  /**
   * This function's long-term memory (recall before answering, learn after), when its
   * `config` includes `memoryConfig`; see `createMemory` in shared/src/memory.
   */
  readonly memory?: AgentMemory;
  /** The event being handled. */
  readonly event: MeshEvent;
  /**
   * Aborted when the handler runs past `scaling.timeoutSeconds` or the broker cancels the
   * delivery; pass it to fetch and LLM calls so they stop too. Set by the function runtime.
   */
  readonly signal?: AbortSignal;
  /**
   * Builds a follow-up event: source `/mesh-six/<function>`, the trace carried on, and an
   * id derived from the incoming event and `key` (default: the type and the index of the
   * call), so a redelivery emits the same ids.
   */
  emit<Schema extends z.ZodType>(
    type: EventType<string, Schema>,
    data: z.input<Schema>,
    options?: EmitOptions,
  ): MeshEvent<z.output<Schema>>;
  /**
   * Runs `work` in the transaction that also marks the incoming event as handled and
   * stores the returned follow-up events in the outbox: the state change and the events
   * commit together or not at all. Return its result from the handler. When another
   * delivery of the same event committed first, it rolls back and throws
   * DuplicateEventError (the delivery then has no effect): let that propagate.
   */
  commit(work: (tx: SqlExecutor) => Promise<readonly MeshEvent[] | void>): Promise<readonly MeshEvent[]>;
  /**
   * Publishes what this delivery has stored in the outbox so far (a durable run stores
   * events in several transactions of one delivery) and resolves with how many went out;
   * a failure leaves them for the outbox sweep. The runtime publishes what is left at the end.
   */
  flush(): Promise<number>;
  /**
   * Publishes an event at once, outside every transaction and the outbox: only for events
   * whose loss harms nothing (the live text of an answer as the model writes it, which the
   * result carries whole anyway). Never for an effect: those go through `commit`. Set by
   * the function runtime.
   */
  readonly publishNow?: (event: MeshEvent) => Promise<void>;
}

export interface EmitOptions {
  readonly subject?: string;
  readonly key?: string;
  readonly extensions?: Readonly<Record<string, string>>;
}

/** A handler; declared as a method so a definition with its own settings fits a list of definitions. */
export type Handler<Own = Settings> = {
  handle(
    event: MeshEvent,
    ctx: FunctionContext<Own>,
  ): Promise<readonly MeshEvent[] | void> | readonly MeshEvent[] | void;
}["handle"];

/** A function: what it is, what it listens to, how it scales, its configuration and its handler. */
export interface FunctionDefinition<Config extends ConfigSchema = ConfigSchema> {
  /** DNS-1123 label; the Knative Service name. */
  readonly name: string;
  readonly description: string;
  /**
   * The environment variables it reads, one zod field each (shared pieces such as
   * `llmConfig` spread in). Its host checks them when the function starts: a missing or
   * wrong one stops it, naming the function and the variable. The handler, run and HTTP
   * routes get the parsed values as `ctx.config`; on Knative its Service is given exactly
   * these variables (and the platform's). None when omitted.
   */
  readonly config?: Config;
  readonly capabilities?: readonly Capability[];
  /** The checks its capabilities' `dependencies` name; see DependencyCheck. */
  readonly dependencyChecks?: readonly DependencyCheck[];
  /**
   * It runs the fleet's dependency checks (the orchestrator, the gateway's score preview):
   * on Knative it gets every variable the checks' URLs name.
   */
  readonly runsDependencyChecks?: boolean;
  readonly subscriptions?: readonly Subscription[];
  /** Default delivery policy of every subscription. */
  readonly delivery?: DeliverySpec;
  readonly schedules?: readonly Schedule[];
  readonly scaling?: Scaling;
  /** Served on a public URL (gateway, webhook receiver); cluster-local otherwise. */
  readonly public?: boolean;
  /** HTTP routes the function serves besides CloudEvents (gateway, webhooks). */
  readonly http?: HttpRoutes<SettingsOf<Config>>;
  /** Handles the events of its subscriptions; functions with none may omit it. */
  readonly handler?: Handler<SettingsOf<Config>>;
  /**
   * A durable run instead of a handler (shared/src/run): each task dispatched to this
   * function runs as a chain of hops, every step memoized in Postgres. `defineFunction`
   * turns it into the handler and the subscriptions it needs.
   */
  readonly run?: RunFunction<SettingsOf<Config>>;
  /** Limits and pacing of its runs. */
  readonly runSettings?: RunSettings;
  /** Event types its runs wait for with `step.waitFor`; each becomes a Trigger. */
  readonly waitsFor?: readonly EventType[];
  /**
   * The event types it sends (follow-ups and events published from HTTP routes). The
   * deployment check requires each to be consumed by some Trigger or marked terminal.
   */
  readonly emits?: readonly EventType[];
  /** Kubernetes API access its ServiceAccount gets (RBAC); none when omitted. */
  readonly kubernetesAccess?: KubernetesAccess;
  /** Secrets it reads as environment variables; manifests name them, never hold their values. */
  readonly secrets?: readonly SecretEnv[];
  /** Container resource requests, e.g. { cpu: "250m", memory: "256Mi" }; deployment defaults when omitted. */
  readonly resources?: ResourceRequests;
}

/** One RBAC rule (a Kubernetes PolicyRule). */
export interface KubernetesAccessRule {
  /** "" is the core group (pods, services, …), "apps" for deployments, … */
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface KubernetesAccess {
  readonly rules: readonly KubernetesAccessRule[];
  /** A ClusterRole (every namespace) instead of a Role in the function's namespace. */
  readonly clusterWide?: boolean;
}

/** An environment variable read from a key of a Kubernetes Secret. */
export interface SecretEnv {
  readonly env: string;
  readonly secret: string;
  readonly key: string;
  /** The function starts without it. */
  readonly optional?: boolean;
}

export interface ResourceRequests {
  readonly cpu?: string;
  readonly memory?: string;
  /** Memory limit; the container is stopped past it. */
  readonly memoryLimit?: string;
}

/** A web handler in the Fetch API's shape (Hono's `app.fetch`). */
export type FetchHandler = (request: Request) => Promise<Response> | Response;

/** What an HTTP-serving function gets to build its routes. */
export interface HttpContext<Own = Settings> {
  readonly db: Db;
  readonly kv: Kv;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The function's own variables (its `config`), parsed at start. */
  readonly config: Own;
  /** A variable named only at run time (a dependency check's `{VARIABLE}`). */
  readonly variable: VariableReader;
  /** Publishes to the broker (stored before it resolves). */
  readonly publish: (event: MeshEvent) => Promise<void>;
}

export interface HttpRoutes<Own = Settings> {
  /** Path prefixes this function serves, e.g. ["/tasks", "/agents"]. */
  readonly paths: readonly string[];
  create(ctx: HttpContext<Own>): FetchHandler;
  /**
   * The largest request body its paths take, in bytes; `maxBodyBytes` (1 MiB) when omitted.
   * Every host refuses a larger one with 413 before the route sees it.
   */
  readonly maxBodyBytes?: number;
  /**
   * How its routes tell who may call them: `api-keys` (the default; MESH_API_KEYS, so on
   * Knative it refuses to listen on every interface without them) or `signatures` (every
   * request carries a signature the route checks and unsigned ones are refused, as webhook
   * deliveries do; it listens without API keys).
   */
  readonly authentication?: "api-keys" | "signatures";
  /**
   * Rewrites the refusals its host answers for it before its routes see the request (the
   * rate limit's 429), e.g. into the error shape of an API it imitates; kept as they are
   * when omitted.
   */
  readonly restyle?: (request: Request, refusal: Response) => Response | Promise<Response>;
}
