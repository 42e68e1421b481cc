import { createHash } from 'node:crypto';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { clientConfig } from '../../src/aws/clients.js';
import { scheduleRecheck } from '../../src/act/recheck/schedule-recheck.js';
import type { DeletionTarget } from '../../src/collect/aws/eks-deletion-status.js';
import type { NextAttempt } from '../../src/run/eks-deletion.js';
import { parseDuration } from '../../src/util/duration.js';

/** Marks the payload a re-check schedule delivers, so the handler can tell it from a CloudTrail event. */
export const RECHECK_SOURCE = 'vpc-cni-auditor.recheck';

export interface RecheckSettings {
  intervalSeconds: number;
  maxAttempts: number;
}

/** RECHECK_INTERVAL (a duration, default 2m) and RECHECK_MAX_ATTEMPTS (default 30: an hour of checks). */
export function recheckSettings(env: NodeJS.ProcessEnv = process.env): RecheckSettings {
  const intervalSeconds = parseDuration(env.RECHECK_INTERVAL || '2m');
  if (intervalSeconds < 60) throw new Error(`RECHECK_INTERVAL must be at least 1m, got "${env.RECHECK_INTERVAL}"`);
  const maxAttempts = Number(env.RECHECK_MAX_ATTEMPTS || '30');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 200) {
    throw new Error(`RECHECK_MAX_ATTEMPTS must be a whole number from 1 to 200, got "${env.RECHECK_MAX_ATTEMPTS}"`);
  }
  return { intervalSeconds, maxAttempts };
}

/** Schedule names: one per (origin event, target, attempt), so a duplicate delivery cannot double the chain. */
export function recheckName(origin: string, target: DeletionTarget, attempt: number): string {
  const key = createHash('sha256').update(JSON.stringify([origin, target.cluster, target.nodegroup ?? null])).digest('hex').slice(0, 24);
  return `vca-recheck-${key}-${attempt}`;
}

/**
 * Builds the scheduleNext callback for runEksDeletionFollowUp: a one-time schedule in
 * RECHECK_SCHEDULE_GROUP that invokes `functionArn` (this function) as RECHECK_ROLE_ARN with the
 * next attempt's payload. The payload is the whole state of the chain; nothing else is stored.
 */
export function recheckScheduler(opts: { region: string; functionArn: string | undefined; origin: string; firstEventAt: string; target: DeletionTarget }, env: NodeJS.ProcessEnv = process.env) {
  return async (next: NextAttempt): Promise<'created' | 'exists'> => {
    const group = env.RECHECK_SCHEDULE_GROUP;
    const roleArn = env.RECHECK_ROLE_ARN;
    // Lambda always passes the invoked ARN; `osls invoke local` passes none, so its stage sets one.
    const functionArn = opts.functionArn || env.RECHECK_FUNCTION_ARN;
    if (!group || !roleArn) throw new Error('cannot schedule the next re-check: RECHECK_SCHEDULE_GROUP and RECHECK_ROLE_ARN must be set');
    if (!functionArn) throw new Error('cannot schedule the next re-check: no function ARN (the invocation context has none and RECHECK_FUNCTION_ARN is not set)');
    const client = new SchedulerClient(clientConfig({ region: opts.region }));
    try {
      return await scheduleRecheck(client, { group, roleArn, functionArn }, {
        name: recheckName(opts.origin, opts.target, next.attempt),
        at: next.at,
        description: `vpc-cni-auditor: re-check ${opts.target.nodegroup ? `node group ${opts.target.nodegroup} of ` : ''}cluster ${opts.target.cluster} (attempt ${next.attempt}; ${next.reason})`,
        payload: {
          source: RECHECK_SOURCE,
          version: 1,
          origin: opts.origin,
          firstEventAt: opts.firstEventAt,
          cluster: opts.target.cluster,
          ...(opts.target.nodegroup ? { nodegroup: opts.target.nodegroup } : {}),
          attempt: next.attempt,
        },
      });
    } finally {
      client.destroy();
    }
  };
}
