import { readdirSync, readFileSync } from "node:fs";

export interface Migration {
  /** The number in the file name: 0001_event_plane.sql → 1. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const directory = new URL("../migrations/", import.meta.url);

/** The numbered migrations in `sql/migrations`, in order. */
export function loadMigrations(): Migration[] {
  return readdirSync(directory)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(new URL(file, directory), "utf8"),
    }));
}
