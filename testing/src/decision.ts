import { ApprovalDecided, type ApprovalDecision, type MeshEvent } from "@mesh-six/events";

/** What a person decides: `approved`/`rejected` for an approval, an `answer` for a question. */
export interface Decision {
  readonly decision?: ApprovalDecision;
  readonly answer?: string;
  readonly reason?: string;
}

/** Who the kit's decisions come from: recorded as decided by "event from /mesh-six/testing". */
export const decisionSource = "/mesh-six/testing";

/** The approval.decided a person's decision travels as (what `kn event send` would publish). */
export function decisionEvent(approvalId: string, decision: Decision): MeshEvent {
  return ApprovalDecided.create({ source: decisionSource, data: { approvalId, ...decision } });
}
