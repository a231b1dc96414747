import { type MeshEvent, PingFired, pingSource } from "@mesh-six/events";
import type { Cron } from "croner";
import { ConfigError, errorMessage } from "../errors.ts";
import type { FunctionDefinition, Schedule } from "../function/define.ts";
import { traceOf } from "../log/trace.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import { deriveEventId } from "./ids.ts";
import { checkSchedules, parseCron } from "./schedule-check.ts";

export interface SchedulerSettings {
  readonly definitions: readonly FunctionDefinition[];
  /** The namespace in the PingSource's source: `/apis/v1/namespaces/<namespace>/pingsources/…`. */
  readonly namespace: string;
  /** The broker the PingSources send to; named in log lines. */
  readonly broker?: string;
  /** Hands a fired ping to the broker; resolves once it is stored there. */
  readonly publish: (event: MeshEvent) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface UpcomingPing {
  readonly function: string;
  readonly schedule: string;
  readonly source: string;
  /** ISO-8601; absent when the schedule has no further runs. */
  readonly at?: string;
}

export interface Scheduler {
  /** When each schedule fires next. */
  upcoming(): UpcomingPing[];
  /** Stops firing; waits for a fire in progress. */
  stop(): Promise<void>;
}

interface Plan {
  readonly functionName: string;
  readonly schedule: Schedule;
  readonly source: string;
  readonly cron: Cron;
  next: number | undefined;
}

// A fire more than this late (the process was suspended) is skipped, as PingSource does.
const missedAfterMs = 60_000;
const firstRetryMs = 1_000;
const maxRetryMs = 60_000;

/**
 * Fires every function's schedules like a Knative PingSource: a `dev.knative.sources.ping`
 * event from `/apis/v1/namespaces/<namespace>/pingsources/<function>-<schedule>` with the
 * schedule's data, its time the fire time, and an id derived from source and fire time,
 * so a double fire (two processes, a restart) is absorbed by de-duplication. Next runs come
 * from croner in the schedule's timezone; waiting goes through the injected clock. Starts
 * at once; throws a ConfigError listing every invalid schedule.
 */
export function createScheduler(settings: SchedulerSettings): Scheduler {
  const { clock, publish } = settings;
  const problems = settings.definitions.flatMap((definition) =>
    checkSchedules(definition.name, definition.schedules ?? []),
  );
  if (problems.length > 0) {
    throw new ConfigError("schedules", `invalid schedules:\n  ${problems.join("\n  ")}`);
  }
  const plans: Plan[] = settings.definitions.flatMap((definition) =>
    (definition.schedules ?? []).map((schedule) => ({
      functionName: definition.name,
      schedule,
      source: pingSource(settings.namespace, `${definition.name}-${schedule.name}`),
      cron: parseCron(schedule),
      next: undefined,
    })),
  );
  const controller = new AbortController();
  const { signal } = controller;
  const logger = settings.logger.child({
    component: "scheduler",
    ...(settings.broker === undefined ? {} : { broker: settings.broker }),
  });

  const nextAfter = (plan: Plan, after: number): number | undefined =>
    plan.cron.nextRun(new Date(after))?.getTime();

  const fire = async (plan: Plan, at: number, until: number | undefined): Promise<void> => {
    const time = new Date(at).toISOString();
    const event = PingFired.create({
      source: plan.source,
      id: deriveEventId(plan.source, time),
      time,
      data: plan.schedule.data,
    });
    const fields = { function: plan.functionName, schedule: plan.schedule.name, eventId: event.id, time };
    const traced = logger.child({ ...fields, traceId: traceOf(event).traceId });
    for (let delay = firstRetryMs; ; delay = Math.min(delay * 2, maxRetryMs)) {
      try {
        await publish(event);
        traced.info("schedule fired");
        return;
      } catch (error) {
        if (until !== undefined && clock.now() + delay >= until) {
          traced.error("schedule fire lost: the broker refused it until the next fire", {
            error: errorMessage(error),
          });
          return;
        }
        traced.warn("schedule fire not accepted; trying again", {
          error: errorMessage(error),
          delayMs: delay,
        });
        await clock.sleep(delay, signal);
      }
    }
  };

  const run = async (plan: Plan): Promise<void> => {
    let after = clock.now();
    for (;;) {
      const at = nextAfter(plan, after);
      plan.next = at;
      if (at === undefined) {
        logger.info("schedule has no further runs", {
          function: plan.functionName,
          schedule: plan.schedule.name,
        });
        return;
      }
      const wait = at - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      if (signal.aborted) return;
      if (clock.now() - at > missedAfterMs) {
        logger.warn("schedule fire missed (the process was not running); skipping to the next", {
          function: plan.functionName,
          schedule: plan.schedule.name,
          time: new Date(at).toISOString(),
        });
        after = clock.now();
        continue;
      }
      await fire(plan, at, nextAfter(plan, at));
      after = at;
    }
  };

  const loops = plans.map((plan) =>
    run(plan).catch((error: unknown) => {
      if (!signal.aborted)
        logger.error("schedule stopped", { source: plan.source, error: errorMessage(error) });
    }),
  );

  return {
    upcoming: () =>
      plans.map((plan) => ({
        function: plan.functionName,
        schedule: plan.schedule.name,
        source: plan.source,
        ...(plan.next === undefined ? {} : { at: new Date(plan.next).toISOString() }),
      })),
    async stop() {
      controller.abort();
      await Promise.all(loops);
    },
  };
}
