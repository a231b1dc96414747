import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { errorMessage } from "@mesh-six/shared/errors";
import {
  type Command,
  type CommandInput,
  type Io,
  type OptionSpec,
  RemoteError,
  UsageError,
} from "./command.ts";
import { commandHelp, globalOptions, groupHelp, overview } from "./help.ts";

export const defaultUrl = "http://localhost:8080";

/**
 * Runs `mesh <argv>` against the commands given and answers the exit code: 0 done, 2 bad input
 * (with what was wrong and how to fix it), 1 the mesh answered with an error or was unreachable.
 */
export async function runMesh(
  argv: readonly string[],
  commands: readonly Command[],
  io: Io,
): Promise<number> {
  let label = "mesh";
  try {
    const { leading, words, rest } = splitCommandLine(argv);
    const command = findCommand(commands, words);
    if (!command) return helpOrMistake(commands, words, [...leading, ...rest], io);
    label = `mesh ${command.name}`;
    const used = command.name.split(" ").length;
    const input = parseInput(command, [...leading, ...words.slice(used), ...rest], io.env);
    if (input === "help") {
      io.stdout(commandHelp(command));
      return 0;
    }
    await command.run(input, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${label}: ${error.message}\nRun '${label} --help' for usage.\n`);
      return 2;
    }
    if (error instanceof RemoteError) {
      io.stderr(`${label}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`${label}: unexpected error: ${errorMessage(error)}\n`);
    return 1;
  }
}

/** Global options before the command words, the command words, and everything after them. */
function splitCommandLine(argv: readonly string[]) {
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length && argv[index]!.startsWith("-")) {
    const token = argv[index]!;
    if (token === "--url") {
      leading.push(token, ...argv.slice(index + 1, index + 2));
      index += 2;
    } else if (token.startsWith("--url=") || token === "--help" || token === "-h") {
      leading.push(token);
      index += 1;
    } else {
      throw new UsageError(
        `unknown option '${token}' before the command; global options are --url and --help`,
      );
    }
  }
  const words: string[] = [];
  while (index < argv.length && !argv[index]!.startsWith("-")) words.push(argv[index++]!);
  return { leading, words, rest: argv.slice(index) };
}

/** The command whose name is the longest prefix of `words`. */
function findCommand(commands: readonly Command[], words: readonly string[]): Command | undefined {
  let found: Command | undefined;
  for (const command of commands) {
    const name = command.name.split(" ");
    const matches = name.every((word, index) => words[index] === word);
    if (matches && name.length > (found?.name.split(" ").length ?? 0)) found = command;
  }
  return found;
}

function helpOrMistake(
  commands: readonly Command[],
  words: readonly string[],
  flags: readonly string[],
  io: Io,
): number {
  const wantsHelp = flags.includes("--help") || flags.includes("-h");
  const group = commands.filter((command) => command.name.startsWith(`${words[0]} `));
  if (words.length === 0) {
    if (wantsHelp) {
      io.stdout(overview(commands));
      return 0;
    }
    io.stderr(`mesh: no command given\n\n${overview(commands)}`);
    return 2;
  }
  if (group.length > 0 && words.length === 1) {
    if (wantsHelp) {
      io.stdout(groupHelp(words[0]!, group));
      return 0;
    }
    const names = group.map((command) => command.name).join(", ");
    io.stderr(
      `mesh ${words[0]}: missing command; one of: ${names}\nRun 'mesh ${words[0]} --help' for usage.\n`,
    );
    return 2;
  }
  const known = (group.length > 0 ? group : commands).map((command) => command.name).join(", ");
  io.stderr(`mesh: unknown command '${words.join(" ")}'; known: ${known}\nRun 'mesh --help' for usage.\n`);
  return 2;
}

function parseInput(command: Command, args: string[], env: Io["env"]): CommandInput | "help" {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, option] of Object.entries({ ...globalOptions, ...command.options })) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(explainParseError(error, args, { ...globalOptions, ...command.options }));
  }
  if (parsed.values.help === true) return "help";
  const expected = command.positionals ?? [];
  if (parsed.positionals.length > expected.length) {
    const extra = parsed.positionals[expected.length];
    const takes = expected.length === 0 ? "takes no arguments" : `takes ${expected.length}`;
    throw new UsageError(
      `unexpected argument '${extra}'; this command ${takes} (values go after their --option)`,
    );
  }
  const missing = expected[parsed.positionals.length];
  if (missing && !missing.optional) throw new UsageError(`missing <${missing.name}>: ${missing.description}`);
  return {
    values: parsed.values as CommandInput["values"],
    positionals: parsed.positionals,
    url: meshUrl(parsed.values.url, env),
  };
}

/**
 * Node's parseArgs messages in the CLI's words: which option, what it takes, how to write it.
 * (Node says "argument is ambiguous" for `--wait -1`, and names options as `-w, --wait <value>`.)
 */
function explainParseError(
  error: unknown,
  args: readonly string[],
  specs: Readonly<Record<string, OptionSpec>>,
): string {
  const message = errorMessage(error);
  const code = (error as { code?: string }).code;
  // "'--wait'", "'-w'", or "'-w, --wait <value>'": the option as typed, or its short and long forms
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  const named = /--[^\s,]+/.exec(quoted)?.[0] ?? quoted.split(",")[0]!;
  const [name, spec] = findOption(named, specs);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option '${named || message}'`;
  if (code !== "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" || !spec) return message.replace(/\.$/, "");
  const value = `<${spec.placeholder ?? "value"}>`;
  if (message.includes("does not take an argument")) {
    return `--${name} is a switch and takes no value; write --${name} alone`;
  }
  if (message.includes("argument missing")) return `--${name} needs a value: --${name} ${value}`;
  const next = args[args.indexOf(named) + 1] ?? "";
  const [nextName] = findOption(next.replace(/=.*$/, ""), specs);
  if (nextName !== undefined) {
    return `--${name} needs a value (${value}), but is followed by the option '${next}'; write --${name} ${value} ${next}`;
  }
  return `--${name} needs a value (${value}), but '${next}' starts with '-' and reads as an option; write --${name}=${next} if you really mean it as the value`;
}

/** The option a token names (`--wait`, `-w`), with its spec; nothing when it names none. */
function findOption(
  token: string,
  specs: Readonly<Record<string, OptionSpec>>,
): [string, OptionSpec] | [undefined, undefined] {
  for (const [name, spec] of Object.entries(specs)) {
    if (token === `--${name}` || (spec.short !== undefined && token === `-${spec.short}`))
      return [name, spec];
  }
  return [undefined, undefined];
}

function meshUrl(flag: unknown, env: Io["env"]): URL {
  const [text, from] =
    typeof flag === "string"
      ? [flag, "--url"]
      : env.MESH_URL
        ? [env.MESH_URL, "MESH_URL"]
        : [defaultUrl, "the default"];
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`${from} must be an http(s) URL such as ${defaultUrl} (got '${text}')`);
  }
  return url;
}
