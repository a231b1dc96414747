import { validateDestination } from "@mesh-six/shared/broker/validate-delivery";
import { parseCron } from "@mesh-six/shared/runtime/schedule-check";

/** Cron syntax croner accepts but the PingSource's parser (robfig/cron, standard) does not. */
const cronExtensions = /#|(^|[\s,])L|\dL|\dW|LW/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface PingSourceSpec {
  readonly schedule?: unknown;
  readonly timezone?: unknown;
  readonly contentType?: unknown;
  readonly data?: unknown;
  readonly dataBase64?: unknown;
  readonly sink?: unknown;
}

/**
 * The PingSource webhook's rules (pingsource_validation.go) the schema misses: a
 * five-field cron expression that fires, a known IANA timezone, `data` or `dataBase64`
 * but not both, `dataBase64` as base64, JSON `data` when the content type says JSON,
 * and a sink.
 */
export function pingSourceProblems(spec: PingSourceSpec | undefined): string[] {
  if (!spec) return ["spec: missing"];
  const problems: string[] = [];
  if (typeof spec.schedule !== "string" || spec.schedule.trim().split(/\s+/).length !== 5) {
    problems.push(
      `spec.schedule: ${JSON.stringify(spec.schedule)} must be five cron fields (minute hour day-of-month month day-of-week)`,
    );
  } else {
    if (cronExtensions.test(spec.schedule)) {
      problems.push(
        `spec.schedule: ${JSON.stringify(spec.schedule)} uses L, W or # which the PingSource's cron parser does not accept`,
      );
    }
    problems.push(...cronProblems(spec.schedule, spec.timezone));
  }
  if (spec.data !== undefined && spec.dataBase64 !== undefined) {
    problems.push("spec: data and dataBase64 are both set; set only one");
  }
  if (
    spec.dataBase64 !== undefined &&
    (typeof spec.dataBase64 !== "string" || !base64.test(spec.dataBase64))
  ) {
    problems.push("spec.dataBase64: is not base64 (standard alphabet, padded)");
  }
  if (spec.data !== undefined) {
    if (typeof spec.data !== "string") problems.push("spec.data: must be a string");
    else if (typeof spec.contentType === "string" && spec.contentType.startsWith("application/json")) {
      try {
        JSON.parse(spec.data);
      } catch {
        problems.push(`spec.data: is not JSON although contentType is ${spec.contentType}`);
      }
    }
  }
  problems.push(...validateDestination("spec.sink", spec.sink));
  return problems;
}

function cronProblems(schedule: string, timezone: unknown): string[] {
  if (timezone !== undefined) {
    if (typeof timezone !== "string") return ["spec.timezone: must be a string"];
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    } catch {
      return [
        `spec.timezone: unknown timezone ${JSON.stringify(timezone)}; use an IANA name such as "Europe/Berlin"`,
      ];
    }
  }
  try {
    const cron = parseCron({ name: "ping", schedule, ...(typeof timezone === "string" ? { timezone } : {}) });
    return cron.nextRun() === null ? [`spec.schedule: ${JSON.stringify(schedule)} never fires`] : [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [`spec.schedule: ${JSON.stringify(schedule)} is not a valid cron expression (${reason})`];
  }
}
