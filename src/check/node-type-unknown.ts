import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { judgedNode } from './capacity/node-usage.js';

/** Nodes whose instance type the shipped limits table lacks (issue #3). */
export const nodeTypeUnknown = defineCheck({
  id: 'node-type-unknown',
  summary: 'Nodes whose instance type is missing from the shipped limits tables',
  codes: {
    NODE_TYPE_UNKNOWN: {
      severity: 'info',
      title: "A node's instance type is not in the shipped limits table, so part of its capacity is unknown.",
      why: 'Pod and branch-ENI capacity come from data/instance-limits.json (VPC CNI and VPC resource controller tables). For a type it lacks, pod capacity falls back to EC2 DescribeInstanceTypes, but the branch-ENI limit is only in the resource controller table (which cannot manage such types). Warning when nothing gave a capacity: only kubelet maxPods is judged then. A node without the `node.kubernetes.io/instance-type` label is resolved through its EC2 instance.',
      fix: 'Update vpc-cni-auditor (a newer table may list the type), or regenerate data/instance-limits.json from newer upstream tables (scripts/gen-instance-limits.ts). Check that the VPC resource controller version supports the type before using Security Groups for Pods on it.',
    },
  },
  run(inv) {
    const findings: Finding[] = [];
    for (const k of inv.kubernetes ?? []) {
      for (const n of k.nodes) {
        // In the CNI table but not the resource controller's: only matters where branch ENIs are wanted.
        const branchOnlyUnknown = n.limitsSource === 'table' && n.limits?.trunking === null && n.securityGroupsForPods.enabled && n.podEniAllocatable === null;
        if (!judgedNode(n) || (n.limitsSource === 'table' && !branchOnlyUnknown)) continue;
        const known = n.limits !== null;
        const what = branchOnlyUnknown
          ? `Instance type ${n.instanceType} of node ${n.name} is not in the resource controller's table: its branch-ENI limit is unknown (pod capacity is known)`
          : n.instanceType === null
          ? `Node ${n.name} has no instance-type label and its EC2 instance ${n.instanceId ?? '(no provider id)'} could not be resolved`
          : known
            ? `Instance type ${n.instanceType} of node ${n.name} is not in the shipped limits table; pod capacity comes from EC2 DescribeInstanceTypes, the branch-ENI limit is unknown`
            : `Instance type ${n.instanceType} of node ${n.name} is not in the shipped limits table nor known to EC2 DescribeInstanceTypes; only kubelet's maxPods is judged`;
        findings.push({
          code: 'NODE_TYPE_UNKNOWN',
          severity: known ? 'info' : 'warning',
          resource: { type: 'node', id: n.name },
          cluster: k.cluster,
          region: inv.region,
          reason: what,
          details: { instanceType: n.instanceType, instanceTypeSource: n.instanceTypeSource, instanceId: n.instanceId, limitsSource: n.limitsSource, branchLimitKnown: n.podEniAllocatable !== null },
        });
      }
    }
    return findings;
  },
});
