import type { Command, OptionSpec } from "./command.ts";

export const globalOptions: Readonly<Record<string, OptionSpec>> = {
  url: {
    type: "string",
    placeholder: "url",
    description: "the mesh's HTTP address (env MESH_URL; default http://localhost:8080)",
  },
  help: { type: "boolean", short: "h", description: "show help" },
};

/** `mesh --help`: every command with its summary. */
export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "mesh: talk to a running mesh-six from the command line",
    "",
    "Usage: mesh <command> [options]",
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Global options:",
    ...optionLines(globalOptions),
    "",
    "Run 'mesh <command> --help' for a command's options.",
    "",
  ].join("\n");
}

/** `mesh <group> --help`: the commands of one group. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  return overview(commands).replace("Usage: mesh <command>", `Usage: mesh ${group} <command>`);
}

/** `mesh <command> --help`. */
export function commandHelp(command: Command): string {
  const positionals = (command.positionals ?? [])
    .map((positional) => (positional.optional ? ` [<${positional.name}>]` : ` <${positional.name}>`))
    .join("");
  const lines = [`Usage: mesh ${command.name}${positionals} [options]`, "", command.summary];
  if (command.description) lines.push("", command.description);
  if (command.positionals?.length) {
    lines.push("", "Arguments:");
    for (const positional of command.positionals)
      lines.push(`  <${positional.name}>  ${positional.description}`);
  }
  if (Object.keys(command.options).length > 0) lines.push("", "Options:", ...optionLines(command.options));
  lines.push("", "Global options:", ...optionLines(globalOptions));
  if (command.examples?.length)
    lines.push("", "Examples:", ...command.examples.map((example) => `  ${example}`));
  return `${lines.join("\n")}\n`;
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const labels = Object.entries(options).map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : "    ";
    const value = option.type === "string" ? ` <${option.placeholder ?? "value"}>` : "";
    return [`${short}--${name}${value}`, option.description] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  return labels.map(([label, description]) => `  ${label.padEnd(width)}  ${description}`);
}
