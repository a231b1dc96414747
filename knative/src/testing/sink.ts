import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { MeshEvent } from "@mesh-six/events";
import { decodeHttpMessage } from "@mesh-six/shared/broker/http-binding";

/** Stands in for the broker ingress that K_SINK points to: decodes and keeps every event POSTed. */
export interface TestSink {
  readonly url: string;
  readonly events: MeshEvent[];
  /** Binary mode is what Knative sources send; anything else is recorded here. */
  readonly notBinary: string[];
  /** Answer 503 (the broker cannot store events) or 202 again. */
  setDown(down: boolean): void;
  /** Resolves once `count` events have arrived in total. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSink(): Promise<TestSink> {
  const events: MeshEvent[] = [];
  const notBinary: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  let down = false;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (down) {
        response.writeHead(503).end("the broker cannot store events right now");
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      if (!headers.has("ce-specversion")) notBinary.push(headers.get("content-type") ?? "no content type");
      const decoded = decodeHttpMessage({ headers, body: new Uint8Array(Buffer.concat(chunks)) });
      if (!decoded.ok) {
        response.writeHead(400).end(decoded.error);
        return;
      }
      events.push(decoded.event);
      response.writeHead(202).end();
      for (const waiter of waiting.filter((each) => events.length >= each.count)) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mesh-six/default`,
    events,
    notBinary,
    setDown: (value) => {
      down = value;
    },
    received: (count) =>
      events.length >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
