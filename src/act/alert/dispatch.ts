import { errorMessage } from '../../util/errors.js';
import { DeliveryError, type AlertContext, type Channel, type Notification } from './types.js';

export interface DeliveryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt: a hung endpoint is abandoned, then retried. */
  timeoutMs: number;
}

export interface DeliveryOutcome {
  delivered: Notification[];
  undelivered: Notification[];
  attempts: number;
  /** The last error, when something stayed undelivered. Safe to log (channels redact secrets). */
  error?: string;
}

export interface DispatchOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Epoch ms: no attempt starts or runs past it (the Lambda's remaining time, less a margin). */
  deadline?: number;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Exponential backoff with full jitter; a server's Retry-After wins when it asks for longer. */
export function backoffMs(attempt: number, p: DeliveryPolicy, random: () => number, retryAfterMs?: number): number {
  const cap = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(retryAfterMs ?? 0, Math.floor(random() * cap));
}

/**
 * Delivers one channel's notifications: each attempt gets its own timeout; only what failed is
 * retried, with backoff, until the attempts run out or the error says retrying cannot help.
 * Never throws: the outcome says what was and was not delivered.
 */
export async function deliver(channel: Channel, notifications: readonly Notification[], ctx: AlertContext, policy: DeliveryPolicy, opts: DispatchOptions = {}): Promise<DeliveryOutcome> {
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const deadline = opts.deadline ?? Infinity;
  const delivered: Notification[] = [];
  let pending = [...notifications];
  let attempts = 0;
  let lastError: DeliveryError | undefined;
  while (pending.length > 0 && attempts < policy.attempts) {
    const wait = attempts > 0 ? backoffMs(attempts, policy, random, lastError?.retryAfterMs) : 0;
    if (now() + wait + 100 > deadline) {
      lastError = new DeliveryError(`out of time after ${attempts} attempt${attempts === 1 ? '' : 's'}${lastError ? `: ${lastError.message}` : ''}`, true);
      break;
    }
    if (wait) await sleep(wait);
    attempts++;
    const timeoutMs = Math.max(100, Math.min(policy.timeoutMs, deadline - now()));
    const signal = AbortSignal.timeout(timeoutMs);
    let undelivered: Notification[];
    try {
      const r = await channel.send(pending, ctx, signal);
      undelivered = r.undelivered;
      lastError = r.error ?? (undelivered.length ? new DeliveryError('not delivered', true) : undefined);
    } catch (err) {
      undelivered = pending;
      lastError = err instanceof DeliveryError ? err : new DeliveryError(signal.aborted ? `timed out after ${timeoutMs} ms` : errorMessage(err), true);
    }
    const failed = new Set(undelivered);
    delivered.push(...pending.filter((n) => !failed.has(n)));
    pending = pending.filter((n) => failed.has(n));
    if (lastError && !lastError.retryable) break;
  }
  return { delivered, undelivered: pending, attempts, ...(pending.length && lastError ? { error: lastError.message } : {}) };
}
