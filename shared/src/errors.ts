/**
 * Errors that say whether trying again can help. The function hosts map them to
 * delivery outcomes: retryable → 503 (the broker retries), not retryable → 422
 * (straight to the dead-letter store).
 */
export class MeshError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable;
  }
}

/** Trying again will not help: bad input, a broken contract. */
export class NonRetryableError extends MeshError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: false, cause: options.cause });
  }
}

/** A passing fault: the broker should deliver again later. */
export class RetryableError extends MeshError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, cause: options.cause });
  }
}

/** Configuration that cannot work; names the setting (and whose it is) and how to fix it. */
export class ConfigError extends Error {
  readonly setting: string;
  /** Whose configuration it is, e.g. `function general-agent`; the host's when undefined. */
  readonly owner: string | undefined;
  constructor(setting: string, message: string, options: { readonly owner?: string } = {}) {
    super(`${options.owner ? `${options.owner}: ` : ""}${setting}: ${message}`);
    this.name = "ConfigError";
    this.setting = setting;
    this.owner = options.owner;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof MeshError ? error.retryable : true;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
