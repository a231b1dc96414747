export { prometheusFailure } from "./failure.ts";
export { type RecordedExchange, recordedExchange, recordedExchanges } from "./fixture.ts";
export { recordedPrometheus } from "./recorded.ts";
export { type FixtureRequest, fixtureRequests } from "./requests.ts";
