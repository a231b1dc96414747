import { Cron } from "croner";
import type { Schedule } from "../function/define.ts";

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A schedule's cron expression, read in its timezone (UTC when none is given). */
export function parseCron(schedule: Schedule): Cron {
  return new Cron(schedule.schedule, {
    mode: "5-part",
    ...(schedule.timezone === undefined ? {} : { timezone: schedule.timezone }),
  });
}

/**
 * What is wrong with one schedule of a function, each problem naming the function and the
 * schedule and saying how to fix it; empty when it is fine. The PingSource is named
 * `<function>-<schedule>`, so that must be a DNS-1123 label.
 */
export function checkSchedule(functionName: string, schedule: Schedule): string[] {
  const where = `function ${functionName}, schedule ${JSON.stringify(schedule.name)}`;
  const problems: string[] = [];
  const sourceName = `${functionName}-${schedule.name}`;
  if (!label.test(schedule.name) || sourceName.length > 63) {
    problems.push(
      `${where}: the name must be lowercase letters, digits and '-', and "${sourceName}" (the PingSource name) at most 63 characters`,
    );
  }
  let timezoneValid = true;
  if (schedule.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: schedule.timezone });
    } catch {
      timezoneValid = false;
      problems.push(
        `${where}: unknown timezone ${JSON.stringify(schedule.timezone)}; use an IANA name such as "Europe/Berlin" or "UTC"`,
      );
    }
  }
  if (timezoneValid) {
    try {
      if (parseCron(schedule).nextRun() === null) {
        problems.push(`${where}: cron expression ${JSON.stringify(schedule.schedule)} never fires`);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push(
        `${where}: invalid cron expression ${JSON.stringify(schedule.schedule)} (${reason}); ` +
          'use five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5"',
      );
    }
  }
  try {
    JSON.stringify(schedule.data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.push(`${where}: data must be plain JSON (${reason})`);
  }
  return problems;
}

/** Every problem of every schedule of `functionName`, including names used twice. */
export function checkSchedules(functionName: string, schedules: readonly Schedule[]): string[] {
  const problems = schedules.flatMap((schedule) => checkSchedule(functionName, schedule));
  const seen = new Set<string>();
  for (const schedule of schedules) {
    if (seen.has(schedule.name)) {
      problems.push(
        `function ${functionName}: two schedules are named ${JSON.stringify(schedule.name)}; rename one`,
      );
    }
    seen.add(schedule.name);
  }
  return problems;
}
