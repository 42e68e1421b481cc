import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { groupBy, sgpAnalyses, type TrunkCapability } from './sgp/analysis.js';

const WHY_NOT: Record<Exclude<TrunkCapability, 'ok' | 'unknown'>, string> = {
  'type-not-trunking': 'its instance type cannot have a trunk ENI',
  'auto-mode': 'it is an EKS Auto Mode node (Security Groups for Pods is not supported there)',
  'trunk-missing': 'it has no trunk ENI',
};

/** Pods a policy selects, placed on nodes that cannot give them a branch ENI (issue #4). */
export const sgpNodeNotTrunkCapable = defineCheck({
  id: 'sgp-node-not-trunk-capable',
  summary: 'Pods selected by a SecurityGroupPolicy on nodes that cannot have, or do not have, a trunk ENI',
  codes: {
    SGP_NODE_NOT_TRUNK_CAPABLE: {
      severity: 'warning',
      title: 'Pods selected by a SecurityGroupPolicy sit on a node that cannot give them a branch ENI.',
      why: "Branch ENIs hang off the node's trunk ENI. Types the resource controller does not list as trunking-compatible (every t2/t3/t4g, older generations; `vpc-cni-auditor limits <type> --sgp`) never get one, EKS Auto Mode nodes are skipped, and a trunk-capable node may still lack its trunk (ENABLE_POD_ENI off, no free ENI slot: NODE_NO_TRUNK_SLOT, missing IAM policy: SGP_CLUSTER_ROLE_POLICY_MISSING). Pods scheduled there with a pod-eni request stay ContainerCreating (\"No trunk ENI found\"): critical. Pods running there without one were admitted before the policy or while the webhook was down, and run with the node's security groups instead of the policy's.",
      fix: 'Keep SGP pods off such nodes (a nodeSelector or node affinity on trunking-compatible node groups), or replace the nodes with trunking-compatible types; set ENABLE_POD_ENI=true on aws-node. Then recreate the pods.',
    },
  },
  run(inv, ctx) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      const placed = a.selected.flatMap((s) => {
        const node = s.pod.nodeName ? a.nodes.get(s.pod.nodeName) : undefined;
        const capability = node ? a.trunkCapability(node) : 'unknown';
        return node && capability !== 'ok' && capability !== 'unknown' ? [{ ...s, node, capability }] : [];
      });
      for (const [nodeName, group] of groupBy(placed, (s) => s.node.name)) {
        const { node, capability } = group[0]!;
        const notRunning = group.filter((s) => s.pod.phase !== 'Running');
        const policies = [...new Set(group.flatMap((s) => s.match.policies.map((p) => `${p.namespace}/${p.name}`)))].sort();
        findings.push({
          code: 'SGP_NODE_NOT_TRUNK_CAPABLE',
          severity: notRunning.length ? 'critical' : 'warning',
          resource: { type: 'node', id: nodeName },
          cluster: a.k.cluster,
          region: inv.region,
          reason: `${group.length} pod${group.length === 1 ? '' : 's'} selected by a SecurityGroupPolicy ${group.length === 1 ? 'is' : 'are'} on node ${nodeName} (${node.instanceType ?? 'unknown type'}), but ${WHY_NOT[capability as keyof typeof WHY_NOT]}; ${notRunning.length} not running`,
          details: {
            instanceType: node.instanceType,
            instanceId: node.instanceId,
            capability,
            computeType: node.computeType,
            podCount: group.length,
            notRunning: notRunning.length,
            pods: group.slice(0, ctx.config.sgp.maxListedPods).map((s) => `${s.pod.namespace}/${s.pod.name}`),
            policies,
          },
        });
      }
    }
    return findings;
  },
});
