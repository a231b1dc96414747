export { documentedErrors, type GitHubExchange, octokitScenario } from "./exchange.ts";
export { defaultScenarios, recordedGitHub } from "./recorded.ts";
