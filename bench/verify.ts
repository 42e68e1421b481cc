import type { Expected } from './estate/types.js';
import type { OpStats } from './stand-in/counters.js';
import type { CheckResult } from './phases/check.js';
import type { CollectResult } from './phases/collect.js';

/**
 * The bench must not time a broken path: the collection has to bring back the whole estate without
 * gaps, and the checks have to find exactly the leaks the estate holds.
 */
export function verifySweep(expected: Expected, collected: CollectResult, checked: CheckResult, ops: Record<string, OpStats>, deletedClusters: number): string[] {
  const problems: string[] = [];
  if (collected.gaps.length) problems.push(`collection gaps: ${collected.gaps.slice(0, 3).join(' | ')}`);
  const c = collected.counts;
  if (c.enis !== expected.eksDescribed) problems.push(`ENIs collected ${c.enis}, estate has ${expected.eksDescribed}`);
  if (c.nodes !== expected.kube.nodes) problems.push(`nodes collected ${c.nodes}, estate has ${expected.kube.nodes}`);
  if (c.pods !== expected.kube.pods) problems.push(`pods collected ${c.pods}, estate has ${expected.kube.pods}`);
  if (c.events !== expected.kube.listedEvents) problems.push(`events collected ${c.events}, estate has ${expected.kube.listedEvents} of the reasons listed`);
  for (const [code, n] of Object.entries(expected.leakedByCode)) {
    if ((checked.findingsByCode[code] ?? 0) !== n) problems.push(`${code}: ${checked.findingsByCode[code] ?? 0} findings, estate has ${n}`);
  }
  const want = [...expected.leakedIds].sort();
  if (want.length !== checked.leakedIds.length || want.some((id, i) => checked.leakedIds[i] !== id)) problems.push('leaked ENI ids differ from the estate\'s');
  if ((checked.findingsByCode.ENI_LOOKALIKE ?? 0) !== expected.lookalikeIds.length) problems.push(`ENI_LOOKALIKE: ${checked.findingsByCode.ENI_LOOKALIKE ?? 0}, estate has ${expected.lookalikeIds.length}`);
  for (const [op, s] of Object.entries(ops)) {
    // DescribeCluster of a deleted cluster answers 404 by design: that is the proof.
    const allowed = op === 'eks:DescribeCluster' ? deletedClusters : 0;
    if (s.errors > allowed || s.throttled > 0) problems.push(`${op}: ${s.errors} errors, ${s.throttled} throttled`);
  }
  return problems;
}
