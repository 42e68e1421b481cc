import type { Severity } from './severity.js';


/** What a finding is about. `type` is a small closed vocabulary so consumers can route on it. */
export interface ResourceRef {
  type: 'network-interface' | 'node' | 'pod' | 'workload' | 'subnet' | 'security-group' | 'security-group-policy' | 'cluster';
  id: string;
}

/**
 * One problem, in the stable JSON shape documented in docs/findings.md.
 * Common keys are always present; `details` carries per-code fields (documented per code).
 */
export interface Finding {
  /** Stable code, documented in docs/findings.md (e.g. LEAKED_BRANCH_ENI). */
  code: string;
  severity: Severity;
  resource: ResourceRef;
  cluster: string | null;
  region: string;
  reason: string;
  details: Record<string, unknown>;
}

/** Stable identity of a finding across sweeps: used for grace tracking and alert lifecycle. */
export const fingerprintOf = (f: Pick<Finding, 'code' | 'region' | 'cluster' | 'resource'>): string =>
  [f.code, f.region, f.cluster ?? '-', f.resource.type, f.resource.id].join('|');
