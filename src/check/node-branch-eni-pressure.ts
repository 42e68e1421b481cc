import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { allNodeUsage, pressure } from './capacity/node-usage.js';

/** Pods with their own security groups (branch ENIs) on a node, against its branch-ENI limit (issue #3). */
export const nodeBranchEniPressure = defineCheck({
  id: 'node-branch-eni-pressure',
  summary: 'Nodes close to their branch-ENI limit (Security Groups for Pods), or advertising branch ENIs without a trunk',
  codes: {
    NODE_BRANCH_ENI_PRESSURE: {
      severity: 'warning',
      title: 'A node is close to its branch-ENI limit, or has lost the trunk its branch ENIs need.',
      why: "Every pod matched by a SecurityGroupPolicy requests one `vpc.amazonaws.com/pod-eni`. The node's limit is what the VPC resource controller advertises (its limits table, e.g. 9 on m5.large). At the limit such pods stay Pending with `Insufficient vpc.amazonaws.com/pod-eni`; ENIs still in their deletion cool-down count too, so pods can also hang in ContainerCreating just below it. A node without its trunk ENI cannot attach any branch ENI, yet the scheduler keeps placing pods by the advertised capacity. Warning at 80 %, critical at 95 % (`capacity.branchEniWarningPercent`, `capacity.branchEniCriticalPercent`); a missing trunk is critical while branch pods run there.",
      fix: 'Add nodes or use instance types with more branch ENIs (`vpc-cni-auditor limits <type> --sgp`). For a node that lost its trunk: cordon and drain it and replace the instance, then check the resource controller events (TrunkENICreationFailed) and its IAM policy (AmazonEKSVPCResourceController).',
    },
  },
  run(inv, ctx) {
    const cfg = ctx.config.capacity;
    const findings: Finding[] = [];
    for (const u of allNodeUsage(inv)) {
      const n = u.node;
      const b = u.branch;
      const lostTrunk = b.trunk === 'missing';
      let severity: 'warning' | 'critical' | null;
      let percent: number | null = null;
      let reason: string;
      if (lostTrunk) {
        severity = b.used > 0 ? 'critical' : 'warning';
        reason = `Node ${n.name} advertises ${n.podEniAllocatable ?? 'branch'} branch ENIs but has no trunk ENI attached; ${b.used} pod${b.used === 1 ? '' : 's'} with their own security groups ${b.used === 1 ? 'is' : 'are'} placed there`;
      } else {
        if (b.limit === null || (b.limit === 0 && b.used === 0)) continue;
        ({ percent, severity } = pressure(b.used, b.limit, cfg.branchEniWarningPercent, cfg.branchEniCriticalPercent));
        reason = `Node ${n.name} (${n.instanceType ?? 'unknown type'}) uses ${b.used} of ${b.limit} branch ENIs (${percent} %)`;
      }
      if (!severity) continue;
      findings.push({
        code: 'NODE_BRANCH_ENI_PRESSURE',
        severity,
        resource: { type: 'node', id: n.name },
        cluster: u.cluster,
        region: inv.region,
        reason,
        details: {
          instanceType: n.instanceType,
          instanceId: n.instanceId,
          used: b.used,
          limit: b.limit,
          limitSource: b.limitSource,
          percent,
          advertised: n.podEniAllocatable,
          trunk: b.trunk,
          trunkEniId: n.trunkEniId,
          sgpSignals: n.securityGroupsForPods.signals,
        },
      });
    }
    return findings;
  },
});
