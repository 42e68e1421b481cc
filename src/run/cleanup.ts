import type { EC2Client } from '@aws-sdk/client-ec2';
import { executeCleanup } from '../act/cleanup/execute.js';
import { planCleanup } from '../act/cleanup/plan.js';
import { sightingsPartition } from '../state/sightings.js';
import type { AuditLogger } from '../util/logger.js';
import type { CleanupReport } from './report.js';
import { runScan, type ScanOutcome, type ScanRequest } from './scan.js';

export interface CleanupRequest extends ScanRequest {
  /** Dry run unless explicitly false. */
  dryRun: boolean;
  /** Needed only to execute; a snapshot run is always a plan. */
  ec2?: EC2Client;
  deadline?: number;
  logger?: AuditLogger;
  /** Sees the scan (its inventory) before the plan: runNotify uses it for tag silences. */
  onScan?: (scan: ScanOutcome) => void;
}

/** scan → plan → (execute). Deleted ENIs leave the sighting store. */
export async function runCleanup(req: CleanupRequest): Promise<CleanupReport> {
  const scan = await runScan(req);
  req.onScan?.(scan);
  const plan = planCleanup(scan.findings, scan.inventory, req.config.cleanup);
  const execute = !req.dryRun && req.source.kind === 'aws';
  if (!req.dryRun && !execute) throw new Error('a snapshot can only be planned: --execute needs live AWS access');
  const ec2 = req.ec2 ?? (req.source.kind === 'aws' ? req.source.clients.ec2 : undefined);
  if (execute && !ec2) throw new Error('no EC2 client to execute with');
  const outcome = await executeCleanup(ec2!, plan, {
    dryRun: !execute,
    ...(req.deadline !== undefined ? { deadline: req.deadline } : {}),
    ...(req.logger ? { logger: req.logger } : {}),
  });
  if (outcome.deleted.length > 0) await req.store.deleteMany(sightingsPartition(scan.inventory.region), outcome.deleted);
  return { ...scan.report, ...outcome };
}
