import { needs } from "../access.ts";
import { openAiError } from "../openai/errors.ts";
import { listModels } from "../openai/models.ts";
import { routeModule } from "../route-module.ts";

/**
 * The models of the OpenAI-compatible API (openai/models.ts):
 * - `GET /v1/models` → `{object: "list", data: [{id, object: "model", created, owned_by}]}`:
 *   `mesh-six`, `mesh-six/<capability>` for each capability on offer, each agent by name.
 * - `GET /v1/models/{id}` → one of them; 404 `model_not_found` for any other name.
 */
export const modelRoutes = routeModule("/v1/models", (app, ctx) => {
  app.get("/", needs("read", { perUser: true }), async (context) =>
    context.json({ object: "list", data: await listModels(ctx.db) }),
  );
  app.get("/:id{.+}", needs("read", { perUser: true }), async (context) => {
    const id = context.req.param("id");
    const found = (await listModels(ctx.db)).find((model) => model.id === id);
    if (found) return context.json(found);
    return openAiError(404, `The model '${id}' does not exist: GET /v1/models lists the models`, {
      param: "model",
      code: "model_not_found",
    });
  });
});
