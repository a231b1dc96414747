import { type MeshEvent, TaskDispatched, type TaskError } from "@mesh-six/events";
import type { FunctionContext } from "@mesh-six/shared/function/define";
import type { SqlExecutor } from "@mesh-six/shared/ports/db";
import { offeredCapabilities } from "@mesh-six/shared/registry/agents";
import { recordDecision } from "@mesh-six/shared/registry/decisions";
import type { DependencyHealth } from "@mesh-six/shared/registry/health";
import { chooseAgent, type Route, retryRoute } from "@mesh-six/shared/registry/route";
import { scoreCandidates } from "@mesh-six/shared/registry/score";
import type { ScoreCard } from "@mesh-six/shared/registry/score-card";
import { startAttempt, type TaskRecord } from "@mesh-six/shared/registry/tasks";
import { attemptsFailedError, finish } from "./finish.ts";

/** Same-agent retries a task may get in all, each one an attempt of its own. */
export const maxSameAgentRetries = 2;

/**
 * Scores the agents that may take the task's next attempt (every agent that has not
 * failed it yet), records the decision with each score card, and dispatches to the
 * chosen one. When nobody is left and the last attempt failed with a passing fault
 * (rate limit, server error, timeout), the agent that had it tries again, at most
 * `maxSameAgentRetries` times per task; after that the task fails with the last attempt's error
 * (how many failed, and why nobody was left) and every attempt.
 */
export async function dispatchNext(
  tx: SqlExecutor,
  ctx: FunctionContext,
  task: TaskRecord,
  health: ReadonlyMap<string, DependencyHealth>,
): Promise<MeshEvent[]> {
  const attempt = task.attempt + 1;
  const excluded = [...new Set(task.attempts.map((entry) => entry.agentId))];
  let cards = (await scoreCandidates(tx, { capability: task.capability, exclude: excluded, health })).filter(
    pinnedTo(task),
  );
  let route: Route = chooseAgent(cards, { taskId: task.id, attempt, priority: task.priority });
  if (!route.chosen) {
    const again = await sameAgentRetry(tx, task, health);
    if (again) {
      cards = [again];
      route = retryRoute(again, task.id);
    }
  }
  const now = ctx.clock.now();
  await recordDecision(tx, {
    taskId: task.id,
    attempt,
    capability: task.capability,
    route,
    cards,
    excluded,
    at: now,
  });
  const chosen = route.chosen;
  if (!chosen || route.reason === "none") {
    const error = await noAgentError(tx, task, cards);
    return finish(tx, ctx, task, task.attempts, { status: "failed", error });
  }
  const deadline = new Date(now + task.timeoutSeconds * 1000).toISOString();
  await startAttempt(tx, task, {
    agentId: chosen.agentId,
    attempt,
    reason: route.reason,
    dispatchedAt: new Date(now).toISOString(),
    deadline,
  });
  ctx.logger.info("task dispatched", {
    taskId: task.id,
    capability: task.capability,
    attempt,
    agentId: chosen.agentId,
    reason: route.reason,
    score: chosen.final,
  });
  return [
    ctx.emit(
      TaskDispatched,
      {
        taskId: task.id,
        capability: task.capability,
        agentId: chosen.agentId,
        attempt,
        payload: task.payload,
        priority: task.priority,
        deadline,
      },
      { key: `dispatch:${task.id}:${attempt}`, subject: task.id, extensions: { meshagent: chosen.agentId } },
    ),
  ];
}

/** A task that names its agent (`agent`) is routed among that agent alone. */
function pinnedTo(task: TaskRecord): (card: ScoreCard) => boolean {
  return (card) => task.agent === undefined || card.agentId === task.agent;
}

/** The card of the agent whose attempt just failed, when it may try again. */
async function sameAgentRetry(
  tx: SqlExecutor,
  task: TaskRecord,
  health: ReadonlyMap<string, DependencyHealth>,
): Promise<ScoreCard | undefined> {
  const last = task.attempts.at(-1);
  if (last?.success !== false || !last.error?.retryable) return undefined;
  if (retriesMade(task) >= maxSameAgentRetries) return undefined;
  const cards = await scoreCandidates(tx, { capability: task.capability, health });
  const card = cards.find((candidate) => candidate.agentId === last.agentId);
  return card?.dependencyHealth === 1 ? card : undefined;
}

function retriesMade(task: TaskRecord): number {
  return task.attempts.filter((entry) => entry.reason === "retry").length;
}

async function noAgentError(
  tx: SqlExecutor,
  task: TaskRecord,
  cards: readonly ScoreCard[],
): Promise<TaskError> {
  if (task.attempts.length > 0) {
    const down = cards.filter((card) => card.final <= 0).map(describeDown);
    const retries = retriesMade(task);
    const notes = [
      ...(retries > 0 ? [`same-agent retries: ${retries} of at most ${maxSameAgentRetries}`] : []),
      ...(down.length ? [`unavailable: ${down.join(", ")}`] : []),
    ];
    const failed = attemptsFailedError(task.attempts, notes);
    if (failed) return failed;
    const tried = task.attempts
      .map((entry) => `${entry.agentId} (attempt ${entry.attempt}: ${entry.error?.type ?? "failed"})`)
      .join(", ");
    return {
      type: "no_agent",
      message: `no agent left for ${task.capability}: tried ${tried}${notes.map((note) => `; ${note}`).join("")}`,
      retryable: false,
    };
  }
  if (cards.length === 0 && task.agent !== undefined) {
    return {
      type: "no_agent",
      message: `the task is for agent ${task.agent} alone, and no active agent of that name offers "${task.capability}"; GET /agents lists the agents and what they offer`,
      retryable: false,
    };
  }
  if (cards.length === 0) {
    const offered = await offeredCapabilities(tx);
    return {
      type: "no_agent",
      message: `no agent offers the capability "${task.capability}"; capabilities on offer: ${offered.join(", ") || "none (no agents registered)"}`,
      retryable: false,
    };
  }
  return {
    type: "no_agent",
    message: `no agent can take ${task.capability} now: ${cards.map(describeDown).join(", ")}`,
    retryable: true,
  };
}

function describeDown(card: ScoreCard): string {
  if (card.dependencyHealth === 0)
    return `${card.agentId} (failing dependency checks: ${card.failingChecks.join(", ")})`;
  return `${card.agentId} (score 0)`;
}
