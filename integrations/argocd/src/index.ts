export {
  type Application,
  type ApplicationStatus,
  type ApplicationTree,
  statusOf,
} from "./application.ts";
export {
  type ArgoCdClient,
  type ArgoCdSettings,
  createArgoCdClient,
  defaultTimeoutMs,
  type SyncOptions,
} from "./client.ts";
export { ArgoCdError, type ArgoCdErrorKind } from "./errors.ts";
export { argocdDependencyCheck } from "./health.ts";
export type { Credentials } from "./session.ts";
