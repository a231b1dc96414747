export { failure, reply, streamed, structured, type ToolCall, toolCalls, type Usage } from "./build.ts";
export {
  criteriaOf,
  loadRecordedResponse,
  loadRecordedResponses,
  type RecordedResponse,
  type RequestMatch,
} from "./fixture.ts";
export { type ReceivedRequest, type ReplayServer, startReplayServer } from "./replay-server.ts";
