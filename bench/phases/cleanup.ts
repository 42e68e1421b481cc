import { executeCleanup } from '../../src/act/cleanup/execute.js';
import { planCleanup } from '../../src/act/cleanup/plan.js';
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig, createAwsClients } from '../../src/aws/clients.js';
import { AuditConfigSchema } from '../../src/config/audit-config.js';
import { runScan } from '../../src/run/scan.js';
import { MemoryStateStore } from '../../src/state/store.js';
import { childMain } from '../child.js';
import { timed, type Timing } from '../measure/phase.js';

export interface CleanupPayload {
  url: string;
  region: string;
  maxDeletes: number;
  /** executeCleanup's concurrency; absent: its default, as runCleanup calls it. */
  concurrency?: number;
  /** Experiment: execute with a fresh EC2 client in this SDK retry mode instead of the product's client. */
  retryMode?: 'standard' | 'adaptive';
}

export interface CleanupResult {
  type: 'cleaned';
  planned: number;
  deleted: number;
  alreadyDeleted: number;
  /** Skips added by execution (not the plan's), by reason prefix. */
  executionSkips: Record<string, number>;
  sampleSkip: string | null;
  scanWallMs: number;
  execute: Timing;
  /** Deletions per second over the execution. */
  rate: number;
  /** Deletions per second after the burst: from the first to the last completed deletion. */
  steadyRate: number | null;
}

/**
 * Cleanup as runCleanup does it for live AWS with --execute: runScan (collect, checks, sightings),
 * planCleanup, executeCleanup with the product's clients (adaptive retries). No grace (a sweep that
 * already saw everything), the cap at the orphan count, the breaker overridden: every orphan is
 * planned, so the run is bound by EC2's rate limit alone.
 */
childMain<CleanupPayload>(async (p, send) => {
  process.env.AWS_ENDPOINT_URL = p.url;
  const clients = createAwsClients({ region: p.region });
  const config = AuditConfigSchema.parse({ cleanup: { graceSeconds: 0, clusterDeletedGraceSeconds: 0, maxDeletes: p.maxDeletes, breakerOverride: true } });
  const scanned = await timed(() => runScan({ source: { kind: 'aws', region: p.region, clients }, clusters: null, config, store: new MemoryStateStore() }));
  const scan = scanned.value;
  const plan = planCleanup(scan.findings, scan.inventory, config.cleanup);
  const deletedAt: number[] = [];
  const logger = {
    info: (message: string) => {
      if (message === 'cleanup deleted') deletedAt.push(performance.now());
    },
    warn: () => {},
    error: () => {},
  };
  const planSkips = plan.skipped.length;
  const ec2 = p.retryMode ? new EC2Client({ ...clientConfig({ region: p.region }), retryMode: p.retryMode }) : clients.ec2;
  const { value: outcome, timing } = await timed(() => executeCleanup(ec2, plan, {
    dryRun: false, logger, ...(p.concurrency !== undefined ? { concurrency: p.concurrency } : {}),
  }));
  const executionSkips: Record<string, number> = {};
  for (const s of outcome.skipped.slice(planSkips)) {
    const key = s.reason.split(':')[0] ?? s.reason;
    executionSkips[key] = (executionSkips[key] ?? 0) + 1;
  }
  const first = deletedAt[0];
  const last = deletedAt[deletedAt.length - 1];
  const result: CleanupResult = {
    type: 'cleaned',
    planned: outcome.planned.length,
    deleted: outcome.deleted.length,
    alreadyDeleted: outcome.alreadyDeleted.length,
    executionSkips,
    sampleSkip: outcome.skipped[planSkips]?.reason ?? null,
    scanWallMs: scanned.timing.wallMs,
    execute: timing,
    rate: outcome.deleted.length / (timing.wallMs / 1000),
    steadyRate: first !== undefined && last !== undefined && last > first ? (deletedAt.length - 1) / ((last - first) / 1000) : null,
  };
  send(result);
  process.disconnect();
});
