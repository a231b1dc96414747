/**
 * The OpenAI-compatible replay server and its fixtures (`@mesh-six/testing-openai`, a
 * package of its own so that shared's tests, below the kit, may use it too).
 */
export * from "@mesh-six/testing-openai";
