/**
 * A variable that `npm run test:services` exports. Missing means the suite was run
 * without its server: that is a failure with a reason, never a skip.
 */
export function serviceEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: this suite needs the servers that npm run test:services starts; run it that way.`,
    );
  }
  return value;
}
