import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import { severityRank } from '../model/severity.js';
import type { Check, CheckContext, CodeInfo } from './define.js';
import { leakedEnis } from './leaked-enis.js';
import { eniLookalikes } from './eni-lookalikes.js';
import { nodeIpPressure } from './node-ip-pressure.js';
import { nodeBranchEniPressure } from './node-branch-eni-pressure.js';
import { podsPendingBranchEni } from './pods-pending-branch-eni.js';
import { subnetIpPressure } from './subnet-ip-pressure.js';
import { nodeTypeUnknown } from './node-type-unknown.js';
import { podStuckInvalidSg } from './pod-stuck-invalid-sg.js';
import { sgpSecurityGroups } from './sgp-security-groups.js';
import { sgpInvalid } from './sgp-invalid.js';
import { sgpTooManySgs } from './sgp-too-many-sgs.js';
import { sgpNodeNotTrunkCapable } from './sgp-node-not-trunk-capable.js';
import { sgpSgRules } from './sgp-sg-rules.js';
import { sgpPodDrift } from './sgp-pod-drift.js';
import { sgpClusterRolePolicy } from './sgp-cluster-role-policy.js';
import { nodeNoTrunkSlot } from './node-no-trunk-slot.js';
import { sgpPublicSubnet } from './sgp-public-subnet.js';
import { podsNoIp } from './pods-no-ip.js';

/** Every check, in report order. Add a check: write one file, list it here, document its codes. */
export const CHECKS: readonly Check[] = [
  leakedEnis, eniLookalikes,
  // Capacity (issue #3).
  nodeIpPressure, nodeBranchEniPressure, podsPendingBranchEni, subnetIpPressure, nodeTypeUnknown,
  // Security Groups for Pods (issue #4).
  podStuckInvalidSg, sgpSecurityGroups, sgpInvalid, sgpTooManySgs, sgpNodeNotTrunkCapable, sgpSgRules, sgpPodDrift,
  sgpClusterRolePolicy, nodeNoTrunkSlot, sgpPublicSubnet, podsNoIp,
];

/** All codes of all checks: the catalog docs/findings.md is generated from. */
export function codeCatalog(): Map<string, CodeInfo & { check: string }> {
  const out = new Map<string, CodeInfo & { check: string }>();
  for (const c of CHECKS) {
    for (const [code, info] of Object.entries<CodeInfo>(c.codes)) {
      if (out.has(code)) throw new Error(`finding code ${code} is declared by two checks`);
      out.set(code, { ...info, check: c.id });
    }
  }
  return out;
}

/** Runs every check and returns findings sorted most severe first, then by code and resource. */
export function runChecks(inv: Inventory, ctx: CheckContext, checks: readonly Check[] = CHECKS): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    for (const f of check.run(inv, ctx)) {
      if (!Object.hasOwn(check.codes, f.code)) throw new Error(`check ${check.id} emitted undeclared code ${f.code}`);
      findings.push(f);
    }
  }
  return findings.sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.code.localeCompare(b.code) || a.resource.id.localeCompare(b.resource.id),
  );
}
