import type { CleanupConfig } from '../config/audit-config.js';
import type { OrphanProof } from '../check/orphan-proofs.js';
import type { CleanupReport } from './report.js';

export interface FollowUp {
  afterSeconds: number;
  reason: string;
}

/** Scheduler delivers on time or a little late; a margin keeps the follow-up from landing just short of the grace. */
const GRACE_MARGIN_SECONDS = 30;

const reasonWord = (reason: string): string => reason.split(':', 1)[0] ?? reason;

/**
 * Pure: whether a cleanup left work that waiting will unblock, and how long to wait.
 * - `within-grace`: until the last of them has been orphaned for its grace (the one a deleted
 *   cluster gets, or the normal one), plus a margin;
 * - `deadline`, `cap-reached`, collection gaps: one interval.
 * Everything else (ignore tags, not owned, breaker, a dry run's plan) does not change by waiting.
 * The shortest applies: each follow-up run re-plans whatever is still left.
 */
export function followUpAfter(report: CleanupReport, cfg: CleanupConfig, intervalSeconds: number): FollowUp | null {
  const candidates: FollowUp[] = [];
  const findings = new Map(report.findings.map((f) => [f.resource.id, f]));
  let graceLeft = -1;
  for (const s of report.skipped) {
    if (reasonWord(s.reason) !== 'within-grace') continue;
    const f = findings.get(s.id);
    const proofs = Array.isArray(f?.details.proofs) ? (f.details.proofs as OrphanProof[]) : [];
    const grace = proofs.some((p) => p.proof === 'CLUSTER_DELETED') ? cfg.clusterDeletedGraceSeconds : cfg.graceSeconds;
    const age = typeof f?.details.orphanedForSeconds === 'number' ? f.details.orphanedForSeconds : 0;
    graceLeft = Math.max(graceLeft, grace - age);
  }
  if (graceLeft >= 0) candidates.push({ afterSeconds: graceLeft + GRACE_MARGIN_SECONDS, reason: 'within-grace: orphans still inside their grace period' });
  const retryable = report.skipped.filter((s) => ['deadline', 'cap-reached'].includes(reasonWord(s.reason)));
  if (retryable.length > 0) candidates.push({ afterSeconds: intervalSeconds, reason: `${reasonWord(retryable[0]!.reason)}: ${retryable.length} ENIs left for a later run` });
  if (report.gaps.length > 0) candidates.push({ afterSeconds: intervalSeconds, reason: `gaps: ${report.gaps.map((g) => g.source).join(', ')}` });
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (b.afterSeconds < a.afterSeconds ? b : a));
}
