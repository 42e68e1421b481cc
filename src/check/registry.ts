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

/** Every check, in report order. Add a check: write one file, list it here, document its codes. */
export const CHECKS: readonly Check[] = [
  leakedEnis, eniLookalikes,
  // Capacity (issue #3).
  nodeIpPressure, nodeBranchEniPressure, podsPendingBranchEni, subnetIpPressure, nodeTypeUnknown,
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
