import { formatSSEEvent, SSE_HEADERS } from "@a2a-js/sdk";

/**
 * A stream of events as Server-Sent Events, one `data:` JSON each. The first event is
 * read before answering, so an error before anything was sent (an unknown task, a
 * refused message) is answered by `early` as a plain response; one later is written by
 * `late` as a last event.
 */
export async function sseAnswer<Item>(
  events: AsyncGenerator<Item>,
  settings: {
    readonly data: (item: Item) => unknown;
    readonly early: (error: unknown) => Response;
    readonly late: (error: unknown) => string;
  },
): Promise<Response> {
  let first: IteratorResult<Item>;
  try {
    first = await events.next();
  } catch (error) {
    return settings.early(error);
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        if (!first.done) controller.enqueue(encoder.encode(formatSSEEvent(settings.data(first.value))));
        for (let next = await events.next(); !next.done; next = await events.next()) {
          controller.enqueue(encoder.encode(formatSSEEvent(settings.data(next.value))));
        }
      } catch (error) {
        controller.enqueue(encoder.encode(settings.late(error)));
      }
      controller.close();
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}
