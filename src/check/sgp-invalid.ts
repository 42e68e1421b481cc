import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { sgpAnalyses } from './sgp/analysis.js';

/** SecurityGroupPolicies the resource controller skips, never matches, or cannot apply (issue #4). */
export const sgpInvalid = defineCheck({
  id: 'sgp-invalid',
  summary: 'SecurityGroupPolicies without a selector, without group ids, with a selector the controller rejects or with malformed group ids',
  codes: {
    SGP_INVALID: {
      severity: 'warning',
      title: 'A SecurityGroupPolicy is invalid: the controller skips it, never matches it, or cannot apply its groups.',
      why: "The CRD accepts far more than the VPC resource controller uses (docs/domain-facts §6). A policy with neither podSelector nor serviceAccountSelector, or without securityGroups.groupIds, is skipped with only a controller log line. A selector the controller cannot convert (an unknown operator, In without values, Exists with values, an invalid label key) never matches. Either way the pods it was written for run with the node's security groups, silently. Group ids that are not `sg-` plus 8 or 17 hex digits are applied, and every selected pod then fails CreateNetworkInterface: critical when the policy selects pods.",
      fix: 'Fix the policy (`kubectl edit sgp -n <namespace> <name>`): set podSelector and/or serviceAccountSelector (`{}` selects every pod of the namespace), list at least one security group id, use only In, NotIn, Exists and DoesNotExist. Then recreate the pods it should cover: policy changes apply only to new pods.',
    },
  },
  run(inv) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      for (const p of a.policies ?? []) {
        if (!p.problems.length) continue;
        const selected = a.selectedBy(p).length;
        const malformedOnly = p.problems.every((x) => x.kind === 'malformed-group-id');
        findings.push({
          code: 'SGP_INVALID',
          severity: malformedOnly && selected > 0 ? 'critical' : 'warning',
          resource: { type: 'security-group-policy', id: `${p.namespace}/${p.name}` },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `SecurityGroupPolicy ${p.namespace}/${p.name} ${p.applies ? `is applied but cannot work (${selected} pod${selected === 1 ? '' : 's'} selected)` : 'is ignored by the resource controller'}: ${p.problems.map((x) => x.detail).join('; ')}`,
          details: {
            namespace: p.namespace,
            policy: p.name,
            problems: p.problems,
            applied: p.applies,
            selectedPods: selected,
            groupIds: p.groupIds,
            podSelector: p.podSelector ? (p.podSelector.selector ? p.podSelector.text : { problem: p.podSelector.problem }) : null,
            serviceAccountSelector: p.serviceAccountSelector ? (p.serviceAccountSelector.selector ? p.serviceAccountSelector.text : { problem: p.serviceAccountSelector.problem }) : null,
          },
        });
      }
    }
    return findings;
  },
});
