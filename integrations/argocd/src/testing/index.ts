export { type ArgoCdApi, type ArgoCdApiOptions, startArgoCdApi } from "./argocd-api.ts";
export {
  type ErrorAnswer,
  type ErrorName,
  errorAnswer,
  sampleApplication,
  versionMessage,
} from "./fixtures.ts";
