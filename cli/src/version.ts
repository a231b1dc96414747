import cliPackage from "../package.json" with { type: "json" };

/** The CLI's version from its package.json; "0.0.0" when unset, as kn reports an unset version. */
export const cliVersion = (cliPackage as { version?: string }).version ?? "0.0.0";
