import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import { type DockerIgnore, parseDockerIgnore } from "./dockerignore.ts";

export interface CopiedContext {
  readonly files: number;
  readonly bytes: number;
}

/**
 * Copies the build context `docker build <root>` would send into `target`: every file
 * under `root` but what `.dockerignore` leaves out (symbolic links copied as links).
 */
export function copyBuildContext(root: string, target: string): CopiedContext {
  const ignoreFile = join(root, ".dockerignore");
  const ignore = parseDockerIgnore(existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8") : "");
  const copied = { files: 0, bytes: 0 };
  copyFolder(root, target, "", ignore, copied);
  return copied;
}

function copyFolder(
  root: string,
  target: string,
  relative: string,
  ignore: DockerIgnore,
  copied: { files: number; bytes: number },
): void {
  mkdirSync(join(target, relative), { recursive: true });
  for (const name of readdirSync(join(root, relative))) {
    const path = relative === "" ? name : `${relative}/${name}`;
    const excluded = ignore.excludes(path);
    const source = join(root, path);
    const stat = lstatSync(source);
    if (stat.isDirectory()) {
      // an excluded folder is walked only when an exception could bring back part of it
      if (!excluded || ignore.hasExceptions) copyFolder(root, target, path, ignore, copied);
    } else if (!excluded) {
      if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), join(target, path));
      else copyFileSync(source, join(target, path));
      copied.files += 1;
      copied.bytes += stat.size;
    }
  }
}
