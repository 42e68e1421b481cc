import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { CleanupConfig } from '../config/audit-config.js';
import type { StateItem, StateStore } from './store.js';

/** Codes whose findings are orphaned ENIs tracked for the grace period. */
export const LEAK_CODES: ReadonlySet<string> = new Set(['LEAKED_BRANCH_ENI', 'LEAKED_TRUNK_ENI', 'LEAKED_CNI_ENI']);

/** Gaps in these lookups can hide an orphan proof, so absence of a leak proves nothing. */
const ORPHAN_PROOF_SOURCES: ReadonlySet<string> = new Set(['instances', 'trunks', 'clusters']);

export const sightingsPartition = (region: string): string => `sightings#${region}`;

export interface Sighting {
  firstSeen: string;
  lastSeen: string;
  code: string;
  cluster: string | null;
}

export interface SightingUpdate {
  findings: Finding[];
  upserts: StateItem[];
  deletes: string[];
}

const isSighting = (d: Record<string, unknown>): d is Record<string, unknown> & Sighting =>
  typeof d.firstSeen === 'string' && typeof d.lastSeen === 'string' && !Number.isNaN(Date.parse(d.firstSeen)) && !Number.isNaN(Date.parse(d.lastSeen));

/**
 * Pure: given the stored sightings of a region, this sweep's inventory and findings, works out
 * how long each leaked ENI has been seen orphaned *continuously*, and what to write back.
 * - A sighting older than maxSightingGapSeconds is stale: the clock restarts.
 * - An ENI seen in this sweep but no longer orphaned loses its sighting (the clock resets).
 * - When a lookup that feeds orphan proofs failed, absence of proof is not evidence: sightings are kept.
 */
export function computeSightings(existing: readonly StateItem[], inv: Inventory, findings: readonly Finding[], cfg: CleanupConfig, now: Date): SightingUpdate {
  const nowIso = now.toISOString();
  const byId = new Map(existing.map((i) => [i.id, i.data]));
  const leakIds = new Set<string>();
  const upserts: StateItem[] = [];
  const annotated = findings.map((f) => {
    if (!LEAK_CODES.has(f.code)) return f;
    const id = f.resource.id;
    leakIds.add(id);
    const prior = byId.get(id);
    const fresh = prior && isSighting(prior) && (now.getTime() - Date.parse(prior.lastSeen)) / 1000 <= cfg.maxSightingGapSeconds;
    const firstSeen = fresh ? prior.firstSeen : nowIso;
    const sighting: Sighting = { firstSeen, lastSeen: nowIso, code: f.code, cluster: f.cluster };
    // Items expire well after they could matter, so a table never fills with dead rows.
    upserts.push({ id, data: { ...sighting }, expiresAt: Math.floor(now.getTime() / 1000) + cfg.maxSightingGapSeconds * 2 });
    return {
      ...f,
      details: { ...f.details, firstSeenOrphanedAt: firstSeen, orphanedForSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(firstSeen)) / 1000)) },
    };
  });

  const deletes: string[] = [];
  // Only lookups that feed orphan proofs matter here: a Kubernetes or IAM gap says nothing about ENIs.
  const proofGap = inv.gaps.some((g) => ORPHAN_PROOF_SOURCES.has(g.affects));
  if (!proofGap) {
    const seen = new Set(inv.networkInterfaces.map((e) => e.id));
    const unscoped = inv.scope.clusters === null && inv.scope.instanceId === undefined;
    for (const item of existing) {
      if (leakIds.has(item.id)) continue;
      // Seen and not orphaned: reset. Not seen at all: gone, but only an unscoped sweep can tell.
      if (seen.has(item.id) || unscoped) deletes.push(item.id);
    }
  }
  return { findings: annotated, upserts, deletes };
}

/** Loads, computes and writes back sightings for one sweep. */
export async function trackSightings(store: StateStore, inv: Inventory, findings: readonly Finding[], cfg: CleanupConfig, now: Date): Promise<Finding[]> {
  const partition = sightingsPartition(inv.region);
  const update = computeSightings(await store.list(partition), inv, findings, cfg, now);
  await store.putMany(partition, update.upserts);
  await store.deleteMany(partition, update.deletes);
  return update.findings;
}
