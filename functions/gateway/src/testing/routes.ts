import type { HttpContext } from "@mesh-six/shared/function/define";
import { type DeclaredRoute, declaredRoutes } from "../access.ts";
import { createGatewayApp } from "../app.ts";

/** Every route the gateway serves, with the scope it declares (for tests that walk them all). */
export function declaredGatewayRoutes(ctx: HttpContext): DeclaredRoute[] {
  return declaredRoutes(createGatewayApp(ctx));
}
