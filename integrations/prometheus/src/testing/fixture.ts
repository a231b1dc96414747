import { readdirSync, readFileSync } from "node:fs";

/** One response recorded from a real Prometheus server, with where it came from. */
export interface RecordedExchange {
  readonly name: string;
  /** The server and the way it was recorded (scripts/record-fixtures.ts). */
  readonly source: string;
  readonly request: { readonly path: string; readonly form: Readonly<Record<string, string>> };
  readonly response: { readonly status: number; readonly contentType: string; readonly body: string };
}

const folder = new URL("../__fixtures__/", import.meta.url);

/** Every recorded exchange in src/__fixtures__, by name. */
export function recordedExchanges(): ReadonlyMap<string, RecordedExchange> {
  const exchanges = readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(new URL(file, folder), "utf8")) as RecordedExchange);
  return new Map(exchanges.map((exchange) => [exchange.name, exchange]));
}

/** The recorded exchange called `name`; throws naming those there are. */
export function recordedExchange(name: string): RecordedExchange {
  const exchanges = recordedExchanges();
  const exchange = exchanges.get(name);
  if (!exchange) {
    throw new Error(
      `no recorded Prometheus exchange '${name}'; recorded: ${[...exchanges.keys()].join(", ")}`,
    );
  }
  return exchange;
}
