import type { AuditConfig } from '../config/audit-config.js';
import type { AwsClients } from '../aws/clients.js';
import { buildInventory } from '../collect/build-inventory.js';
import { collectAws } from '../collect/aws/collect-aws.js';
import { collectCapacity, type CapacityStats, type CollectCapacityOptions } from '../collect/collect-capacity.js';
import type { KubernetesAccess } from '../kube/targets.js';
import type { RawAwsData } from '../collect/raw.js';
import { readSnapshot } from '../collect/snapshot/read-snapshot.js';
import { runChecks } from '../check/registry.js';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import { trackSightings, sightingsPartition } from '../state/sightings.js';
import { MemoryStateStore, type StateStore } from '../state/store.js';
import { summarize, type ScanReport } from './report.js';
import type { AuditLogger } from '../util/logger.js';

export type InventorySource =
  | { kind: 'aws'; region: string; clients: AwsClients }
  | { kind: 'snapshot'; dir: string; region?: string };

export interface ScanRequest {
  source: InventorySource;
  clusters: string[] | null;
  /** Live AWS only: limit the run to the ENIs tagged with this instance. */
  instanceId?: string;
  config: AuditConfig;
  /** Where orphan sightings live between runs. Snapshot runs use the folder's sightings.json instead. */
  store: StateStore;
  now?: () => Date;
  /**
   * Live AWS only: collect the capacity side (issue #3): subnets, node instances, and Kubernetes as
   * given (`{ kind: 'off' }`: subnets only). Absent: no capacity lookups at all.
   */
  kubernetes?: KubernetesAccess;
  /** Live AWS only: page size, event reasons, request timeout of the Kubernetes collection. */
  capacity?: Omit<CollectCapacityOptions, 'kubernetes'>;
  /** Where skipped Kubernetes objects (malformed annotations, events without an involved object) are logged. */
  logger?: AuditLogger;
}

export interface ScanOutcome {
  report: ScanReport;
  inventory: Inventory;
  raw: RawAwsData;
  findings: Finding[];
  /** Live AWS only: what the capacity collection cost (Kubernetes requests). */
  capacityStats?: CapacityStats;
}

/** collect → check → track sightings. The one path every entry point (CLI, Lambda) uses. */
export async function runScan(req: ScanRequest): Promise<ScanOutcome> {
  let raw: RawAwsData;
  let store = req.store;
  let capacityStats: CapacityStats | undefined;
  if (req.source.kind === 'aws') {
    raw = await collectAws(req.source.clients.ec2, req.source.clients.eks, {
      region: req.source.region,
      clusters: req.clusters,
      ...(req.instanceId !== undefined ? { instanceId: req.instanceId } : {}),
      ...(req.now ? { now: req.now } : {}),
    });
    // Opt-in: cleanup-only entry points (instance or cluster deletion handlers) skip the capacity lookups.
    if (req.kubernetes) {
      const { iam } = req.source.clients;
      capacityStats = await collectCapacity(req.source.clients.ec2, req.source.clients.eks, raw, { ...req.capacity, kubernetes: req.kubernetes, ...(iam ? { iam } : {}) });
    }
  } else {
    if (req.instanceId !== undefined) throw new Error('an instance-scoped run needs live AWS access, not a snapshot');
    const snap = await readSnapshot(req.source.dir, { clusters: req.clusters, ...(req.source.region ? { region: req.source.region } : {}), ...(req.now ? { now: req.now } : {}) });
    raw = snap.raw;
    // A snapshot is a moment in the past: judge it with the sightings captured alongside it,
    // and never write into the caller's state.
    const memory = new MemoryStateStore();
    await memory.putMany(sightingsPartition(raw.region), snap.sightings);
    store = memory;
  }
  const inventory = buildInventory(raw);
  for (const k of inventory.kubernetes ?? []) {
    for (const s of k.sgp.skipped) req.logger?.warn('kubernetes object skipped', { cluster: k.cluster, kind: s.kind, name: s.name, reason: s.reason });
  }
  const now = req.source.kind === 'snapshot' ? inventory.collectedAt : (req.now?.() ?? new Date());
  const checked = runChecks(inventory, { now, config: req.config });
  const findings = await trackSightings(store, inventory, checked, req.config.cleanup, now);
  return {
    inventory,
    raw,
    findings,
    ...(capacityStats ? { capacityStats } : {}),
    report: {
      schemaVersion: 1,
      region: inventory.region,
      collectedAt: inventory.collectedAt.toISOString(),
      source: req.source.kind,
      scope: inventory.scope,
      summary: summarize(findings),
      gaps: inventory.gaps,
      findings,
    },
  };
}
