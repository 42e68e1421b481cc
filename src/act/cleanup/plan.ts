import type { Finding } from '../../model/finding.js';
import type { Inventory } from '../../model/inventory.js';
import type { CleanupConfig } from '../../config/audit-config.js';
import { CNI_NO_MANAGE_TAG, IGNORE_TAG } from '../../model/eks-marks.js';
import { severityRank } from '../../model/severity.js';
import { formatDuration } from '../../util/duration.js';
import { LEAK_CODES } from '../../state/sightings.js';
import type { OrphanProof } from '../../check/orphan-proofs.js';

export interface PlannedDeletion {
  id: string;
  finding: Finding;
  /** Tags at scan time: the re-check refuses to delete if they changed. */
  tags: Readonly<Record<string, string>>;
}

export interface Skip {
  id: string;
  reason: string;
}

export interface CleanupPlan {
  planned: PlannedDeletion[];
  skipped: Skip[];
}

const proofsOf = (f: Finding): OrphanProof[] => (Array.isArray(f.details.proofs) ? (f.details.proofs as OrphanProof[]) : []);

/**
 * Pure: decides which leaked ENIs this run may delete, and why every other one is skipped.
 * Order of gates: ownership, opt-outs, grace, circuit breaker (per VPC), cap.
 */
export function planCleanup(findings: readonly Finding[], inv: Inventory, cfg: CleanupConfig): CleanupPlan {
  const enis = new Map(inv.networkInterfaces.map((e) => [e.id, e]));
  const skipped: Skip[] = [];
  const eligible: PlannedDeletion[] = [];

  for (const f of findings) {
    if (!LEAK_CODES.has(f.code)) continue;
    const eni = enis.get(f.resource.id);
    if (!eni || !eni.ownedByEks) {
      skipped.push({ id: f.resource.id, reason: 'not-owned: tags do not prove an EKS owner' });
      continue;
    }
    if (eni.tags[IGNORE_TAG]?.toLowerCase() === 'true') {
      skipped.push({ id: eni.id, reason: `ignore-tag: ${IGNORE_TAG}=true` });
      continue;
    }
    if (eni.tags[CNI_NO_MANAGE_TAG]?.toLowerCase() === 'true') {
      skipped.push({ id: eni.id, reason: `no-manage-tag: ${CNI_NO_MANAGE_TAG}=true` });
      continue;
    }
    const clusterDeleted = proofsOf(f).some((p) => p.proof === 'CLUSTER_DELETED');
    const grace = clusterDeleted ? cfg.clusterDeletedGraceSeconds : cfg.graceSeconds;
    const age = typeof f.details.orphanedForSeconds === 'number' ? f.details.orphanedForSeconds : 0;
    if (age < grace) {
      skipped.push({ id: eni.id, reason: `within-grace: seen orphaned for ${formatDuration(age)} of ${formatDuration(grace)}` });
      continue;
    }
    eligible.push({ id: eni.id, finding: f, tags: eni.tags });
  }

  // Most severe and longest-orphaned first, so the cap keeps what matters most.
  const age = (p: PlannedDeletion) => (typeof p.finding.details.orphanedForSeconds === 'number' ? p.finding.details.orphanedForSeconds : 0);
  eligible.sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || age(b) - age(a) || a.id.localeCompare(b.id));

  // Circuit breaker: a run that would delete most of a VPC's EKS ENIs is more likely a bug or a
  // bad API answer than a real leak; refuse unless explicitly overridden.
  const ownedPerVpc = new Map<string, number>();
  for (const e of inv.networkInterfaces) if (e.ownedByEks) ownedPerVpc.set(e.vpcId ?? '-', (ownedPerVpc.get(e.vpcId ?? '-') ?? 0) + 1);
  const eligiblePerVpc = new Map<string, number>();
  for (const p of eligible) {
    const vpc = enis.get(p.id)?.vpcId ?? '-';
    eligiblePerVpc.set(vpc, (eligiblePerVpc.get(vpc) ?? 0) + 1);
  }
  const tripped = new Set<string>();
  for (const [vpc, count] of eligiblePerVpc) {
    const owned = ownedPerVpc.get(vpc) ?? count;
    if (!cfg.breakerOverride && count > cfg.breakerMinCount && count / owned > cfg.breakerMaxShare) tripped.add(vpc);
  }

  const planned: PlannedDeletion[] = [];
  for (const p of eligible) {
    const vpc = enis.get(p.id)?.vpcId ?? '-';
    if (tripped.has(vpc)) {
      const count = eligiblePerVpc.get(vpc) ?? 0;
      const owned = ownedPerVpc.get(vpc) ?? count;
      skipped.push({
        id: p.id,
        reason: `circuit-breaker: ${count} of ${owned} EKS-owned ENIs in ${vpc} (over ${Math.round(cfg.breakerMaxShare * 100)}%); re-run with the breaker override to proceed`,
      });
    } else if (planned.length >= cfg.maxDeletes) {
      skipped.push({ id: p.id, reason: `cap-reached: at most ${cfg.maxDeletes} deletions per run` });
    } else {
      planned.push(p);
    }
  }
  return { planned, skipped };
}
