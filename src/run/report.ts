import type { Finding } from '../model/finding.js';
import type { CollectionGap, Scope } from '../model/inventory.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import type { Skip } from '../act/cleanup/plan.js';

/** The JSON documents the CLI prints and the handlers return (docs/output.md). Additive changes only. */
export interface ScanReport {
  schemaVersion: 1;
  region: string;
  collectedAt: string;
  source: 'aws' | 'snapshot';
  scope: Scope;
  summary: Record<Severity, number> & { total: number };
  /** Lookups that failed: the proofs and checks they feed were not made. */
  gaps: CollectionGap[];
  findings: Finding[];
}

export interface CleanupReport extends ScanReport {
  dryRun: boolean;
  planned: string[];
  deleted: string[];
  alreadyDeleted: string[];
  skipped: Skip[];
}

export function summarize(findings: readonly Finding[]): ScanReport['summary'] {
  const s = Object.fromEntries(SEVERITIES.map((k) => [k, 0])) as Record<Severity, number>;
  for (const f of findings) s[f.severity]++;
  return { ...s, total: findings.length };
}
