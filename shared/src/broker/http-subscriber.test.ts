import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MeshEvent } from "@mesh-six/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManualClock } from "../clock.ts";
import { traceOf } from "../log/trace.ts";
import { encodeBinary, encodeStructured } from "./http-binding.ts";
import { createHttpSubscriber, DeliveryTimeoutError } from "./http-subscriber.ts";

type Reply = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

const event: MeshEvent = {
  specversion: "1.0",
  id: "e-1",
  source: "/test",
  type: "dev.meshsix.test",
  subject: "naïve subject",
  meshagent: "architect",
  datacontenttype: "application/octet-stream",
  data: Uint8Array.from({ length: 256 }, (_, index) => index),
};

const replyEvent: MeshEvent = {
  specversion: "1.0",
  id: "r-1",
  source: "/reply",
  type: "dev.meshsix.reply",
  datacontenttype: "application/json",
  data: { ok: true },
};

describe("HTTP subscriber", () => {
  let server: Server;
  let url: string;
  let reply: Reply = (_request, _body, response) => response.writeHead(202).end();
  const received: { headers: IncomingMessage["headers"]; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks);
        received.push({ headers: request.headers, body });
        reply(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const deliver = (subscriberEvent = event, signal = new AbortController().signal) =>
    createHttpSubscriber({ url })(subscriberEvent, { signal });

  it("posts the event in binary mode, bytes intact, asking for a reply", async () => {
    reply = (_request, _body, response) => response.writeHead(202).end();
    const response = await deliver();
    expect(response).toMatchObject({ status: 202 });
    expect(response.reply).toBeUndefined();
    expect(response.replyError).toBeUndefined();
    const last = received.at(-1)!;
    expect(last.headers).toMatchObject({
      "ce-specversion": "1.0",
      "ce-id": "e-1",
      "ce-source": "/test",
      "ce-type": "dev.meshsix.test",
      "ce-subject": "na%C3%AFve%20subject",
      "ce-meshagent": "architect",
      "content-type": "application/octet-stream",
      prefer: "reply",
      traceparent: traceOf(event).traceparent,
    });
    expect(new Uint8Array(last.body)).toEqual(event.data);
  });

  it("reads a binary-mode or structured-mode reply", async () => {
    reply = (_request, _body, response) => {
      const { headers, body } = encodeBinary(replyEvent);
      response.writeHead(200, headers).end(body);
    };
    const asBytes = { ...replyEvent, data: new TextEncoder().encode(JSON.stringify(replyEvent.data)) };
    expect((await deliver()).reply).toEqual(asBytes);
    reply = (_request, _body, response) => {
      const { headers, body } = encodeStructured(replyEvent);
      response.writeHead(200, headers).end(body);
    };
    expect((await deliver()).reply).toEqual(asBytes);
  });

  it("flags a 2xx body that is not a CloudEvent, and an invalid one", async () => {
    reply = (_request, _body, response) =>
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    const plain = await deliver();
    expect(plain.reply).toBeUndefined();
    expect(plain.replyError).toContain("is not a CloudEvent");
    reply = (_request, _body, response) =>
      response.writeHead(200, { "ce-specversion": "1.0", "content-type": "text/plain" }).end("x");
    expect((await deliver()).replyError).toContain("id is missing");
  });

  it("passes on an error status with its body and headers", async () => {
    reply = (_request, _body, response) => response.writeHead(503, { "kne-reason": "busy" }).end("try later");
    const response = await deliver();
    expect(response.status).toBe(503);
    expect(new TextDecoder().decode(response.body)).toBe("try later");
    expect(response.headers?.["kne-reason"]).toBe("busy");
    expect(response.replyError).toBeUndefined();
  });

  it("rejects when the subscriber cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const subscriber = createHttpSubscriber({ url: `http://127.0.0.1:${port}/` });
    await expect(subscriber(event, { signal: new AbortController().signal })).rejects.toThrow();
  });

  it("gives up after its timeout, by the clock it is given, and on abort", async () => {
    let release = () => {};
    reply = (_request, _body, response) => {
      release = () => {
        if (!response.headersSent) response.writeHead(202).end();
      };
    };
    const clock = createManualClock();
    const subscriber = createHttpSubscriber({ url, timeoutMs: 5000, clock });
    const attempt = subscriber(event, { signal: new AbortController().signal });
    const settled = attempt.catch((error: unknown) => error);
    await clock.advance(5000);
    expect(await settled).toBeInstanceOf(DeliveryTimeoutError);
    release();

    const controller = new AbortController();
    const aborted = createHttpSubscriber({ url })(event, { signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    controller.abort(new Error("stopped"));
    expect(await aborted).toEqual(new Error("stopped"));
    release();
  });
});
