import { createHash } from "node:crypto";

/**
 * What docs/routing.md predicts for the ArgoCD outage, worked out from the rule as the
 * docs state it (ROSTER.md's formula, the probe shares by priority, the draw from the
 * task id), with no mesh: each task's first agent and whether it needed a second attempt.
 * The scenario test runs the real mesh and expects exactly this.
 */
export interface PhasePlan {
  readonly name: string;
  readonly count: number;
  /** ArgoCD's deploys succeed (`ok`), fail (`failing`), or its health check fails (`down`). */
  readonly argocd: "ok" | "failing" | "down";
}

export interface PredictedTask {
  readonly taskId: string;
  readonly phase: string;
  readonly priority: number;
  readonly first: "argocd-deployer" | "kubectl-deployer";
  readonly probe: boolean;
  readonly attempts: number;
}

/** Low, normal and high priority in turn: 2, 5, 8. */
export const priorityOf = (index: number) => [2, 5, 8][index % 3] ?? 2;

const decay = 0.95;
const window = 20;

function factors(history: readonly boolean[]) {
  const recent = history.slice(0, window);
  if (recent.length === 0) return { rate: 1, boost: 1 };
  const weights = recent.map((_, index) => decay ** index);
  const rate =
    recent.reduce((sum, ok, index) => sum + (ok ? (weights[index] ?? 0) : 0), 0) /
    weights.reduce((a, b) => a + b, 0);
  const boost = recent.length >= 3 && recent.slice(0, 3).every(Boolean) ? 1.1 : 1;
  return { rate, boost };
}

function share(priority: number, proven: boolean): number {
  if (priority <= 3) return proven ? 0.5 : 0.3;
  if (priority <= 6) return proven ? 0.2 : 0;
  return 0;
}

const draw = (taskId: string) => createHash("sha256").update(taskId).digest().readUInt32BE(0) / 2 ** 32;

export function predictOutage(phases: readonly PhasePlan[]): PredictedTask[] {
  const argocd: boolean[] = [];
  const kubectl: boolean[] = [];
  const predicted: PredictedTask[] = [];
  let sent = 0;
  for (const phase of phases) {
    for (let index = 0; index < phase.count; index += 1) {
      sent += 1;
      const taskId = `${phase.name}-${sent}`;
      const priority = priorityOf(index);
      const health = phase.argocd === "down" ? 0 : 1;
      const a = factors(argocd);
      const k = factors(kubectl);
      const argocdFinal = 0.9 * health * a.rate * a.boost;
      const kubectlFinal = 0.7 * k.rate * k.boost;
      const argocdLeads = argocdFinal > kubectlFinal;
      const recovering = !argocdLeads && health === 1 && 0.9 * 1.1 > kubectlFinal;
      const probe = recovering && draw(taskId) < share(priority, a.boost > 1);
      const first = argocdLeads || probe ? "argocd-deployer" : "kubectl-deployer";
      let attempts = 1;
      if (first === "argocd-deployer") {
        const ok = phase.argocd === "ok";
        argocd.unshift(ok);
        if (!ok) {
          kubectl.unshift(true);
          attempts = 2;
        }
      } else {
        kubectl.unshift(true);
      }
      predicted.push({ taskId, phase: phase.name, priority, first, probe, attempts });
    }
  }
  return predicted;
}
