/**
 * The parts of the AI SDK the LLM calls, imported by llm/create.ts at the first call
 * (`await import("./sdk.ts")`): a bundler keeps only these of `ai`, which it could not
 * tell from a dynamic import of `ai` itself.
 */
export { generateText, jsonSchema, Output, streamText, wrapLanguageModel } from "ai";
