import type { Finding } from '../model/finding.js';
import { defineCheck } from './define.js';
import { podKey, sgpAnalyses, stuckAfter } from './sgp/analysis.js';

/**
 * The groups each SecurityGroupPolicy names, checked against EC2 before any pod needs them
 * (issue #4). Nothing else does: the CRD has no pattern, the controller looks groups up only
 * when it creates a branch ENI. A group counts as missing only when a lookup that asked for it
 * succeeded; after a failed lookup (a gap) nothing is said.
 */
export const sgpSecurityGroups = defineCheck({
  id: 'sgp-security-groups',
  summary: 'SecurityGroupPolicies naming security groups that do not exist or live in another VPC',
  codes: {
    SGP_UNKNOWN_SG: {
      severity: 'critical',
      title: 'A SecurityGroupPolicy names a security group that does not exist.',
      why: 'Every pod the policy selects will fail CreateNetworkInterface with InvalidSecurityGroupID.NotFound and stay ContainerCreating (POD_STUCK_INVALID_SG), including pods that are running now the next time they are rescheduled or scaled. Found from EC2 DescribeSecurityGroups, before any pod lands. Warning for a policy the controller ignores anyway (SGP_INVALID).',
      fix: 'Correct the id in the policy (`kubectl edit sgp -n <namespace> <name>`), or recreate the group; then delete stuck pods so they are recreated. Before deleting a security group, search the policies for its id: `kubectl get sgp -A -o json | grep <sg-id>`.',
    },
    SGP_SG_OTHER_VPC: {
      severity: 'critical',
      title: "A SecurityGroupPolicy names a security group of another VPC than the cluster's.",
      why: "A branch ENI is created in the node's subnet, in the cluster's VPC; EC2 refuses security groups of another VPC (InvalidParameter: security group and subnet belong to different networks), so every selected pod stays ContainerCreating. Often a group copied from another environment. The cluster's VPC comes from DescribeCluster, else from its nodes' instances when they agree.",
      fix: "Use a group of the cluster's VPC (the `vpcId` in details): create an equivalent one there and put its id in the policy, then recreate the pods.",
    },
  },
  run(inv) {
    const findings: Finding[] = [];
    for (const a of sgpAnalyses(inv)) {
      const vpcId = a.vpcId;
      for (const p of a.policies ?? []) {
        const selected = a.selectedBy(p);
        const stuck = selected.filter((s) => {
          const f = a.invalidSg.get(podKey(s.pod));
          return f !== undefined && stuckAfter(s.pod, f.lastAt);
        });
        const common = {
          resource: { type: 'security-group-policy' as const, id: `${p.namespace}/${p.name}` },
          cluster: a.k.cluster,
          region: inv.region,
        };
        const base = { namespace: p.namespace, policy: p.name, groupIds: p.groupIds, applied: p.applies, selectedPods: selected.length, stuckPods: stuck.length };
        const missing = p.groupIds.filter((g) => a.groupStatus(g).state === 'missing');
        if (missing.length) {
          findings.push({
            ...common,
            code: 'SGP_UNKNOWN_SG',
            severity: p.applies ? 'critical' : 'warning',
            reason: `SecurityGroupPolicy ${p.namespace}/${p.name} names ${missing.length === 1 ? 'a security group' : 'security groups'} that ${missing.length === 1 ? 'does' : 'do'} not exist: ${missing.join(', ')} (${selected.length} pod${selected.length === 1 ? '' : 's'} selected, ${stuck.length} stuck)`,
            details: { ...base, missingGroupIds: missing },
          });
        }
        if (!vpcId) continue;
        const foreign = p.groupIds.flatMap((g) => {
          const s = a.groupStatus(g);
          return s.state === 'found' && s.group.vpcId && s.group.vpcId !== vpcId ? [{ groupId: g, vpcId: s.group.vpcId }] : [];
        });
        if (foreign.length) {
          findings.push({
            ...common,
            code: 'SGP_SG_OTHER_VPC',
            severity: p.applies ? 'critical' : 'warning',
            reason: `SecurityGroupPolicy ${p.namespace}/${p.name} names security groups outside the cluster's VPC ${vpcId}: ${foreign.map((f) => `${f.groupId} (${f.vpcId})`).join(', ')}`,
            details: { ...base, vpcId, foreignGroups: foreign },
          });
        }
      }
    }
    return findings;
  },
});
