import { connect, type Socket } from "node:net";

/** A Redis reply as RESP2 describes it; `simple` and `bulk` strings are told apart. */
export type RespReply =
  | { readonly kind: "simple"; readonly value: string }
  | { readonly kind: "bulk"; readonly value: Buffer | null }
  | { readonly kind: "integer"; readonly value: number }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "array"; readonly items: RespReply[] | null };

export interface RespConnection {
  /** Sends commands back to back; resolves with their replies in order. */
  send(commands: readonly (readonly unknown[])[]): Promise<RespReply[]>;
  /** One command, its reply as plain values; rejects on an error reply. */
  command(args: readonly unknown[]): Promise<unknown>;
  close(): void;
}

/** A minimal RESP2 client for one connection: enough for a proxy and a readiness check. */
export async function connectResp(host: string, port: number): Promise<RespConnection> {
  const socket: Socket = connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const waiting: { resolve: (reply: RespReply) => void; reject: (error: Error) => void }[] = [];
  let buffer = Buffer.alloc(0);
  const failAll = (error: Error) => {
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on("error", failAll);
  socket.on("close", () => failAll(new Error("redis connection closed")));
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const parsed = parse(buffer, 0);
      if (!parsed) break;
      buffer = buffer.subarray(parsed.next);
      waiting.shift()?.resolve(parsed.reply);
    }
  });
  const send = (commands: readonly (readonly unknown[])[]) => {
    const replies = commands.map(
      () => new Promise<RespReply>((resolve, reject) => waiting.push({ resolve, reject })),
    );
    socket.write(Buffer.concat(commands.map(encode)));
    return Promise.all(replies);
  };
  return {
    send,
    async command(args) {
      const [reply] = await send([args]);
      return plain(reply!);
    },
    close: () => socket.destroy(),
  };
}

export function encode(args: readonly unknown[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(typeof arg === "string" ? arg : JSON.stringify(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

function parse(buffer: Buffer, start: number): { reply: RespReply; next: number } | undefined {
  const end = buffer.indexOf("\r\n", start);
  if (end < 0) return undefined;
  const line = buffer.toString("utf8", start + 1, end);
  const next = end + 2;
  switch (String.fromCharCode(buffer[start]!)) {
    case "+":
      return { reply: { kind: "simple", value: line }, next };
    case "-":
      return { reply: { kind: "error", message: line }, next };
    case ":":
      return { reply: { kind: "integer", value: Number(line) }, next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: { kind: "bulk", value: null }, next };
      if (buffer.length < next + length + 2) return undefined;
      return {
        reply: { kind: "bulk", value: buffer.subarray(next, next + length) },
        next: next + length + 2,
      };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: { kind: "array", items: null }, next };
      const items: RespReply[] = [];
      let position = next;
      for (let index = 0; index < count; index += 1) {
        const item = parse(buffer, position);
        if (!item) return undefined;
        items.push(item.reply);
        position = item.next;
      }
      return { reply: { kind: "array", items }, next: position };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(line)}`);
  }
}

/** A reply as plain JSON values; an error reply throws. */
export function plain(reply: RespReply): unknown {
  switch (reply.kind) {
    case "simple":
      return reply.value;
    case "bulk":
      return reply.value === null ? null : reply.value.toString("utf8");
    case "integer":
      return reply.value;
    case "error":
      throw new Error(reply.message);
    case "array":
      return reply.items === null ? null : reply.items.map(plain);
  }
}
