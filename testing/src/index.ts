export { createTestDb } from "@mesh-six/shared/runtime/test-fixture";
export {
  type DispatchOptions,
  dispatchedTask,
  type TaskOutcome,
} from "@mesh-six/shared/testing/function-under-test";
export { type ApprovalQuery, approvalsOf } from "./assert/approvals.ts";
export { dataOf, eventsOf, eventTypes } from "./assert/events.ts";
export { rejectionOf } from "./assert/rejection.ts";
export { type RunQuery, runOf, type StepSummary, stepsOf } from "./assert/runs.ts";
export { llmUsageOf, type UsageQuery, type UsageRow } from "./assert/usage.ts";
export { type Decision, decisionEvent, decisionSource } from "./decision.ts";
export { type TestFunction, type TestFunctionSettings, testFunction } from "./function.ts";
export { withMemory } from "./memory.ts";
export { createTestMesh, type TaskOptions, type TestMesh, type TestMeshSettings } from "./mesh.ts";
export { DeployPlan, deployPlanner, fanOut, restarts, stepper } from "./samples.ts";
export { settleBroker, settleHost } from "./settle.ts";
