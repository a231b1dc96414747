import { deadLetter } from "@mesh-six/function-dead-letter";
import { gateway } from "@mesh-six/function-gateway";
import type { FunctionDefinition } from "@mesh-six/shared/function/define";

/** Every function of mesh-six: what `npm start` runs and what `knative/` deploys. */
export const fleet: readonly FunctionDefinition[] = [gateway, deadLetter];
