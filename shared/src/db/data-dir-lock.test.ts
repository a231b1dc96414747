import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { lockDataDir } from "./data-dir-lock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "mesh-lock-"));
  dirs.push(dir);
  return dir;
}

describe("lockDataDir", () => {
  it("lets one holder in at a time and frees the folder on release", () => {
    const dir = folder();
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(ConfigError);
    expect(() => lockDataDir(dir)).toThrow(/is in use by another mesh-six \(pid \d+\)/);
    release();
    expect(existsSync(join(dir, "mesh-six.lock"))).toBe(false);
    lockDataDir(dir)();
  });

  it("refuses a folder a live process holds, naming it", () => {
    const dir = folder();
    writeFileSync(join(dir, "mesh-six.lock"), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(`pid ${process.ppid}`);
  });

  it("takes over a lock left by a process that is gone", () => {
    const dir = folder();
    writeFileSync(join(dir, "mesh-six.lock"), "4194303\n");
    const release = lockDataDir(dir);
    release();
  });

  it("names MESH_DATA_DIR when the folder cannot be made", () => {
    const file = join(folder(), "a-file");
    writeFileSync(file, "");
    expect(() => lockDataDir(join(file, "data"))).toThrow(/^MESH_DATA_DIR: cannot create/);
  });
});
