/** AWS SDK v3 errors carry the service's error code in `name`; anything else is described plainly. */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.Code, e.name, e.code]) if (typeof v === 'string' && v && v !== 'Error') return v;
  }
  return 'Error';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export const describeError = (err: unknown): string => `${errorCode(err)}: ${errorMessage(err)}`;

/** An error caused by the user's input (flags, payloads, files): exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Input files or API answers that do not have the expected shape. */
export class InputError extends Error {
  override name = 'InputError';
}
