import type { AuditConfig } from '../config/audit-config.js';
import type { AwsClients } from '../aws/clients.js';
import { deletionStatus, describeTarget, type DeletionStatus, type DeletionTarget } from '../collect/aws/eks-deletion-status.js';
import type { StateStore } from '../state/store.js';
import { silentLogger, type AuditLogger } from '../util/logger.js';
import { runCleanup } from './cleanup.js';
import { followUpAfter } from './follow-up.js';
import type { CleanupReport } from './report.js';

export interface NextAttempt {
  at: Date;
  attempt: number;
  reason: string;
}

export interface EksDeletionRequest {
  target: DeletionTarget;
  /** 1 for the CloudTrail event itself, then 2, 3… for each scheduled re-check. */
  attempt: number;
  maxAttempts: number;
  /** Seconds between "is it gone yet?" checks. */
  intervalSeconds: number;
  region: string;
  clients: AwsClients;
  store: StateStore;
  config: AuditConfig;
  dryRun: boolean;
  deadline?: number;
  logger?: AuditLogger;
  now?: () => Date;
  /** Arranges the next invocation (an EventBridge Scheduler one-time schedule in Lambda). */
  scheduleNext: (next: NextAttempt) => Promise<'created' | 'exists'>;
}

/**
 * - `waiting`: not gone yet (or the lookup failed); the next check is scheduled.
 * - `not-deleting`: it exists and is not being deleted (the deletion failed, or a new one took the
 *   name); nothing to clean, no more checks.
 * - `cleanup-pending`: gone and cleaned, but some orphans need more time (grace, cap, deadline).
 * - `done`: gone, cleaned (or planned, in a dry run), nothing left that waiting would change.
 * - `gave-up`: out of attempts; the scheduled sweep remains the fallback.
 */
export type EksDeletionOutcome = 'waiting' | 'not-deleting' | 'cleanup-pending' | 'done' | 'gave-up';

export interface EksDeletionReport {
  target: DeletionTarget;
  attempt: number;
  maxAttempts: number;
  deletion: DeletionStatus;
  outcome: EksDeletionOutcome;
  /** The cluster-scoped cleanup, once the target is gone. */
  cleanup: CleanupReport | null;
  next: { at: string; attempt: number; reason: string; schedule: 'created' | 'exists' } | null;
}

/**
 * Follows one DeleteCluster/DeleteNodegroup: checks whether the target is gone; if not, schedules
 * another check. Once gone, runs the cleanup of that cluster under the usual rules (proofs, grace,
 * caps, breaker, dry run unless enabled), and schedules a last run when orphans still need their grace.
 * A deleted node group's ENIs are covered by the cluster-scoped cleanup: its instances are
 * terminated, so their ENIs carry INSTANCE_GONE proofs.
 */
export async function runEksDeletionFollowUp(req: EksDeletionRequest): Promise<EksDeletionReport> {
  const log = req.logger ?? silentLogger;
  const now = req.now ?? (() => new Date());
  const what = describeTarget(req.target);
  const base = { target: req.target, attempt: req.attempt, maxAttempts: req.maxAttempts };

  const deletion = await deletionStatus(req.clients.eks, req.target);
  if (deletion.state === 'present' && deletion.status !== null && deletion.status !== 'DELETING') {
    log.warn('deletion is not in progress: nothing to follow', { target: what, status: deletion.status });
    return { ...base, deletion, outcome: 'not-deleting', cleanup: null, next: null };
  }

  let cleanup: CleanupReport | null = null;
  let follow: { afterSeconds: number; reason: string } | null;
  if (deletion.state === 'gone') {
    cleanup = await runCleanup({
      source: { kind: 'aws', region: req.region, clients: req.clients },
      clusters: [req.target.cluster],
      config: req.config,
      store: req.store,
      dryRun: req.dryRun,
      ...(req.deadline !== undefined ? { deadline: req.deadline } : {}),
      ...(req.logger ? { logger: req.logger } : {}),
      ...(req.now ? { now: req.now } : {}),
    });
    follow = followUpAfter(cleanup, req.config.cleanup, req.intervalSeconds);
  } else {
    const reason = deletion.state === 'present' ? `${what} is still ${deletion.status ?? 'present'}` : `lookup failed: ${deletion.reason}`;
    follow = { afterSeconds: req.intervalSeconds, reason };
  }

  if (!follow) return { ...base, deletion, outcome: 'done', cleanup, next: null };
  if (req.attempt >= req.maxAttempts) {
    log.warn('giving up after the last attempt; the scheduled sweep remains the fallback', { target: what, attempt: req.attempt, reason: follow.reason });
    return { ...base, deletion, outcome: 'gave-up', cleanup, next: null };
  }
  const next: NextAttempt = { at: new Date(now().getTime() + follow.afterSeconds * 1000), attempt: req.attempt + 1, reason: follow.reason };
  const schedule = await req.scheduleNext(next);
  return {
    ...base,
    deletion,
    outcome: deletion.state === 'gone' ? 'cleanup-pending' : 'waiting',
    cleanup,
    next: { at: next.at.toISOString(), attempt: next.attempt, reason: next.reason, schedule },
  };
}
