import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { groupBy, sgpAnalyses, workloadKey } from './sgp/analysis.js';

/** More security groups than one ENI may carry (issue #4). */
export const sgpTooManySgs = defineCheck({
  id: 'sgp-too-many-sgs',
  summary: 'Pods whose SecurityGroupPolicies add up to more security groups than the per-ENI quota',
  codes: {
    SGP_TOO_MANY_SGS: {
      severity: 'critical',
      title: 'Pods would get more security groups than one network interface may have.',
      why: 'A pod gets the union of the groups of every policy that selects it, on one branch ENI. EC2 allows 5 security groups per network interface by default (a quota, at most 16); above it CreateNetworkInterface fails and the pods stay ContainerCreating. The "1–5 groups" in the EKS docs is this quota, not a CRD rule: the CRD accepts any number. Reported on the policy when it alone is over the quota, else on each workload whose policies add up to too many. The quota is `sgp.securityGroupsPerEni` (5).',
      fix: "Merge rules into fewer groups, or narrow the selectors so fewer policies overlap. If your account's quota is higher, set `sgp.securityGroupsPerEni` to it.",
    },
  },
  run(inv, ctx) {
    const quota = ctx.config.sgp.securityGroupsPerEni;
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      const overOnItsOwn = new Set<string>();
      for (const p of a.policies ?? []) {
        if (!p.applies || p.groupIds.length <= quota) continue;
        overOnItsOwn.add(`${p.namespace}/${p.name}`);
        const selected = a.selectedBy(p).length;
        findings.push({
          code: 'SGP_TOO_MANY_SGS',
          severity: 'critical',
          resource: { type: 'security-group-policy', id: `${p.namespace}/${p.name}` },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `SecurityGroupPolicy ${p.namespace}/${p.name} names ${p.groupIds.length} security groups; an ENI may have ${quota} (${selected} pod${selected === 1 ? '' : 's'} selected)`,
          details: { namespace: p.namespace, policy: p.name, groupIds: p.groupIds, count: p.groupIds.length, quota, selectedPods: selected },
        });
      }
      const combined = a.selected.filter((s) => s.match.groupIds.length > quota && !s.match.policies.some((p) => overOnItsOwn.has(`${p.namespace}/${p.name}`)));
      for (const [id, group] of groupBy(combined, (s) => workloadKey(s.pod))) {
        const first = group[0]!;
        const groupIds = [...new Set(group.flatMap((s) => s.match.groupIds))];
        const policies = [...new Set(group.flatMap((s) => s.match.policies.map((p) => p.name)))].sort();
        findings.push({
          code: 'SGP_TOO_MANY_SGS',
          severity: 'critical',
          resource: { type: 'workload', id },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `${group.length} pod${group.length === 1 ? '' : 's'} of ${first.pod.workload.kind} ${id.split('/')[0]}/${first.pod.workload.name} ${group.length === 1 ? 'is' : 'are'} selected by ${policies.length} policies adding up to ${Math.max(...group.map((s) => s.match.groupIds.length))} security groups; an ENI may have ${quota}`,
          details: { namespace: first.pod.namespace, workload: first.pod.workload, policies, groupIds, count: groupIds.length, quota, podCount: group.length, pods: group.slice(0, ctx.config.sgp.maxListedPods).map((s) => s.pod.name) },
        });
      }
    }
    return findings;
  },
});
