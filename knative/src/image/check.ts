import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, posix } from "node:path";
import { copyBuildContext } from "./context.ts";
import {
  assignments,
  execForm,
  type Instruction,
  parseDockerfile,
  type Stage,
  substitute,
} from "./dockerfile.ts";

export interface ImageCheckSettings {
  /** The repository: the build context, with the Dockerfile and .dockerignore. */
  readonly root: string;
  /** The values of `--build-arg FUNCTION=…` to build, one image each. */
  readonly functions: readonly string[];
  readonly log: (line: string) => void;
}

export interface CheckedImage {
  readonly function: string;
  readonly bundleBytes: number;
  /** What `CMD` printed when started with no configuration (it must ask for DATABASE_URL). */
  readonly startOutput: string;
}

/**
 * What `docker build --build-arg FUNCTION=<name> .` does, without a Docker engine: the
 * build context copied as `.dockerignore` shapes it, the build stage's RUN commands run
 * in it with Node 24 as `node` (the ones before `ARG FUNCTION` once, as Docker's layer
 * cache would, the rest per function from a clean `knative/dist`), then the final stage's
 * `COPY --from=build` into an empty folder and its `CMD` started there with only the
 * stage's `ENV`: it must exit 2 asking for DATABASE_URL, which proves the bundle loads
 * alone. Throws, naming the instruction, at the first step that fails.
 */
export function checkImageBuild(settings: ImageCheckSettings): CheckedImage[] {
  const { root, log } = settings;
  const [build, final, ...more] = parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
  if (!build || !final || more.length > 0 || !build.name) {
    throw new Error("the image check expects two stages: FROM … AS <name> (the build) and the image");
  }
  const work = mkdtempSync(join(tmpdir(), "mesh-six-image-"));
  try {
    const context = join(work, "context");
    const copied = copyBuildContext(root, context);
    log(
      `build context: ${copied.files} files, ${(copied.bytes / 1024 / 1024).toFixed(1)} MiB (.dockerignore applied)`,
    );
    const buildStage = readBuildStage(build);
    const environment = cleanEnvironment();
    for (const instruction of buildStage.shared) run(instruction, context, environment, log);
    return settings.functions.map((name) => {
      rmSync(join(context, "knative", "dist"), { recursive: true, force: true });
      const values = { ...environment, FUNCTION: name };
      for (const instruction of buildStage.perFunction) run(instruction, context, values, log);
      return startImage(final, { name, context, buildDirectory: buildStage.directory, work, log });
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface BuildStage {
  readonly directory: string;
  readonly shared: readonly Instruction[];
  readonly perFunction: readonly Instruction[];
}

function readBuildStage(stage: Stage): BuildStage {
  let directory: string | undefined;
  const shared: Instruction[] = [];
  const perFunction: Instruction[] = [];
  for (const instruction of stage.instructions) {
    const { keyword, text } = instruction;
    if (keyword === "WORKDIR") directory = text;
    else if (keyword === "COPY" && text === ". .") continue;
    else if (keyword === "ARG") perFunction.push(instruction);
    else if (keyword === "RUN") (perFunction.length > 0 ? perFunction : shared).push(instruction);
    else throw unknown(instruction, "the build stage");
  }
  if (!directory) throw new Error("the build stage has no WORKDIR for COPY . .");
  return { directory, shared, perFunction: perFunction.filter((each) => each.keyword === "RUN") };
}

function run(
  instruction: Instruction,
  directory: string,
  environment: NodeJS.ProcessEnv,
  log: (line: string) => void,
) {
  log(`RUN ${instruction.text}${environment.FUNCTION ? `  (FUNCTION=${environment.FUNCTION})` : ""}`);
  const result = spawnSync("sh", ["-c", instruction.text], {
    cwd: directory,
    env: environment,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    throw new Error(
      `Dockerfile line ${instruction.line}: RUN ${instruction.text} exited with ${result.status ?? result.signal}`,
    );
  }
}

interface FinalSettings {
  readonly name: string;
  readonly context: string;
  readonly buildDirectory: string;
  readonly work: string;
  readonly log: (line: string) => void;
}

function startImage(stage: Stage, settings: FinalSettings): CheckedImage {
  const { name, log } = settings;
  const app = join(settings.work, `image-${name}`);
  const values: Record<string, string> = { FUNCTION: name };
  const environment: Record<string, string> = {};
  let directory = "/";
  let command: string[] | undefined;
  let bundleBytes = 0;
  for (const instruction of stage.instructions) {
    const { keyword, text } = instruction;
    if (keyword === "ARG" || keyword === "USER" || keyword === "EXPOSE") continue;
    if (keyword === "ENV") {
      for (const [key, value] of assignments(text)) environment[key] = substitute(value ?? "", values);
    } else if (keyword === "WORKDIR") directory = substitute(text, values);
    else if (keyword === "CMD") command = execForm(instruction);
    else if (keyword === "RUN") runInImage(instruction, { app, directory, environment, log });
    else if (keyword === "COPY") {
      const copy = /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(substitute(text, values));
      if (!copy) throw unknown(instruction, "the image (only COPY --from=<stage> <file> <destination>)");
      const source = posix.relative(settings.buildDirectory, copy[2]!);
      const file = join(settings.context, source);
      const destination = join(app, posix.resolve(directory, copy[3]!).slice(1));
      if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
        throw new Error(
          `Dockerfile line ${instruction.line}: COPY ${copy[2]} — the build stage produced no such file`,
        );
      }
      mkdirSync(dirname(destination), { recursive: true });
      copyFileSync(file, destination);
      bundleBytes = statSync(file).size;
      log(`COPY ${copy[2]} → ${copy[3]}  (${(bundleBytes / 1024).toFixed(0)} KiB)`);
    } else throw unknown(instruction, "the image");
  }
  if (!command) throw new Error("the image has no CMD");
  const started = spawnInImage(command, { app, directory, environment });
  const output = `${started.stdout}${started.stderr}`;
  const contents = readdirSync(join(app, directory.slice(1)));
  if (started.status !== 2 || !output.includes("DATABASE_URL")) {
    throw new Error(
      `CMD ${command.join(" ")} for ${name} (holding ${contents.join(", ")}) exited with ${started.status ?? started.signal} instead of 2 asking for DATABASE_URL:\n${output}`,
    );
  }
  log(
    `CMD ${command.join(" ")}: exits 2 without configuration, as it should: ${output.trim().split("\n")[0]}`,
  );
  if (environment.NODE_COMPILE_CACHE) checkCompileCache(command, { app, directory, environment, log });
  return { function: name, bundleBytes, startOutput: output };
}

interface InImage {
  /** The folder standing for the image's root. */
  readonly app: string;
  /** The WORKDIR, an absolute path in the image. */
  readonly directory: string;
  readonly environment: Record<string, string>;
}

/** An exec-form command run as the image would, its absolute paths (and ENV values) inside `app`. */
function spawnInImage(words: readonly string[], image: InImage) {
  const inImage = (word: string) => (word.startsWith("/") ? join(image.app, word.slice(1)) : word);
  const environment = Object.fromEntries(
    Object.entries(image.environment).map(([key, value]) => [key, inImage(value)]),
  );
  const [program, ...args] = words.map(inImage);
  return spawnSync(program === "node" ? process.execPath : program!, args, {
    cwd: inImage(image.directory),
    env: environment,
    encoding: "utf8",
    timeout: 30_000,
  });
}

/** The CMD loads the bundle from the compile cache a RUN wrote (Node's own debug output says so). */
function checkCompileCache(
  command: readonly string[],
  image: InImage & { readonly log: (line: string) => void },
) {
  const traced = spawnInImage(command, {
    ...image,
    environment: { ...image.environment, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
  });
  const accepted = /V8 code cache for ESM \S+ was accepted/.exec(`${traced.stdout}${traced.stderr}`);
  if (!accepted) {
    throw new Error(
      `CMD ${command.join(" ")} compiled its bundle again instead of loading NODE_COMPILE_CACHE (${image.environment.NODE_COMPILE_CACHE}): add RUN ["node", "<bundle>", "--fill-compile-cache"] after the COPY`,
    );
  }
  image.log(`CMD ${command.join(" ")}: loads its compiled code from ${image.environment.NODE_COMPILE_CACHE}`);
}

/** A RUN of the image's stage (exec form only): it must exit 0. */
function runInImage(instruction: Instruction, image: InImage & { readonly log: (line: string) => void }) {
  const words = execForm(instruction);
  image.log(`RUN ${words.join(" ")}`);
  const result = spawnInImage(words, image);
  if (result.status !== 0) {
    throw new Error(
      `Dockerfile line ${instruction.line}: RUN ${words.join(" ")} exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`,
    );
  }
}

/**
 * The environment a RUN gets: this one without what `npm run` adds (npm_config_*, npm_lifecycle_*, …,
 * which would steer the inner npm), with this Node 24 first on PATH, as `node` is in node:24-slim.
 */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("npm_") && key !== "INIT_CWD" && key !== "NODE") environment[key] = value;
  }
  environment.PATH = [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);
  return environment;
}

function unknown(instruction: Instruction, where: string): Error {
  return new Error(
    `Dockerfile line ${instruction.line}: the image check does not emulate ${instruction.keyword} ${instruction.text} in ${where}; teach knative/src/image/check.ts`,
  );
}
