import { DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { normaliseEni } from '../../collect/classify.js';
import { IGNORE_TAG } from '../../model/eks-marks.js';
import { describeError, errorCode } from '../../util/errors.js';
import { silentLogger, type AuditLogger } from '../../util/logger.js';
import type { CleanupPlan, PlannedDeletion, Skip } from './plan.js';

export interface ExecuteOptions {
  dryRun: boolean;
  /** Deletions in flight at once. EC2's mutating-call bucket is small; a few is plenty. */
  concurrency?: number;
  /** Epoch ms after which no new deletion starts (the Lambda deadline less a margin). */
  deadline?: number;
  /** Stop the run after this many errors in a row: something is wrong (permissions, throttling). */
  maxConsecutiveErrors?: number;
  logger?: AuditLogger;
  now?: () => number;
}

export interface CleanupOutcome {
  dryRun: boolean;
  planned: string[];
  /** Deleted by this run, or found already deleted (see alreadyDeleted). */
  deleted: string[];
  alreadyDeleted: string[];
  skipped: Skip[];
}

const NOT_FOUND = 'InvalidNetworkInterfaceID.NotFound';

const sameTags = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};

type Verdict = { ok: true } | { ok: false; gone: true } | { ok: false; gone: false; reason: string };

/** Re-describes one ENI right before its deletion; refuses on any change since the scan. */
async function recheck(ec2: EC2Client, p: PlannedDeletion): Promise<Verdict> {
  // A filter, not NetworkInterfaceIds: an id that vanished answers empty instead of failing.
  const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [p.id] }] }));
  const raw = out.NetworkInterfaces?.find((n) => n.NetworkInterfaceId === p.id);
  if (!raw) return { ok: false, gone: true };
  const now = normaliseEni(raw);
  if (now.status !== 'available') return { ok: false, gone: false, reason: `changed-since-scan: status is ${now.status}` };
  if (now.attachment) return { ok: false, gone: false, reason: 'changed-since-scan: ENI is attached' };
  if (!now.ownedByEks) return { ok: false, gone: false, reason: 'changed-since-scan: ownership tags no longer prove an EKS owner' };
  if (now.tags[IGNORE_TAG]?.toLowerCase() === 'true') return { ok: false, gone: false, reason: `ignore-tag: ${IGNORE_TAG}=true` };
  if (!sameTags(now.tags, p.tags)) return { ok: false, gone: false, reason: 'changed-since-scan: tags changed' };
  return { ok: true };
}

/**
 * Carries out a cleanup plan. Each ENI is re-described right before its delete; nothing is ever
 * detached or forced. Every deletion and skip is logged as one structured line.
 */
export async function executeCleanup(ec2: EC2Client, plan: CleanupPlan, opts: ExecuteOptions): Promise<CleanupOutcome> {
  const log = opts.logger ?? silentLogger;
  const now = opts.now ?? Date.now;
  const outcome: CleanupOutcome = { dryRun: opts.dryRun, planned: plan.planned.map((p) => p.id), deleted: [], alreadyDeleted: [], skipped: [...plan.skipped] };
  for (const s of plan.skipped) log.info('cleanup skip', { eniId: s.id, reason: s.reason });
  if (opts.dryRun) {
    for (const p of plan.planned) log.info('cleanup planned (dry run)', { eniId: p.id, code: p.finding.code, cluster: p.finding.cluster });
    return outcome;
  }

  const maxErrors = opts.maxConsecutiveErrors ?? 5;
  let consecutiveErrors = 0;
  let abortReason: string | null = null;
  const queue = [...plan.planned];

  const skip = (id: string, reason: string) => {
    outcome.skipped.push({ id, reason });
    log.warn('cleanup skip', { eniId: id, reason });
  };
  const failed = (id: string, reason: string) => {
    skip(id, reason);
    if (++consecutiveErrors >= maxErrors) abortReason = `aborted: ${consecutiveErrors} errors in a row, last: ${reason}`;
  };

  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      if (abortReason) { skip(p.id, abortReason); continue; }
      if (opts.deadline !== undefined && now() >= opts.deadline) { skip(p.id, 'deadline: the run is out of time; the next run picks it up'); continue; }
      let verdict: Verdict;
      try {
        verdict = await recheck(ec2, p);
      } catch (err) {
        failed(p.id, `recheck-failed: ${describeError(err)}`);
        continue;
      }
      if (!verdict.ok) {
        if (verdict.gone) {
          outcome.deleted.push(p.id);
          outcome.alreadyDeleted.push(p.id);
          log.info('cleanup already deleted', { eniId: p.id });
        } else skip(p.id, verdict.reason);
        consecutiveErrors = 0;
        continue;
      }
      try {
        await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: p.id }));
        outcome.deleted.push(p.id);
        consecutiveErrors = 0;
        log.info('cleanup deleted', { eniId: p.id, code: p.finding.code, cluster: p.finding.cluster, proofs: p.finding.details.proofs });
      } catch (err) {
        if (errorCode(err) === NOT_FOUND) {
          outcome.deleted.push(p.id);
          outcome.alreadyDeleted.push(p.id);
          consecutiveErrors = 0;
          log.info('cleanup already deleted', { eniId: p.id });
        } else {
          failed(p.id, `delete-failed: ${describeError(err)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  outcome.deleted.sort();
  outcome.alreadyDeleted.sort();
  return outcome;
}
